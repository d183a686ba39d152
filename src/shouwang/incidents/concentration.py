"""How concentrated the flagged cells are in the same few places, week after week.

A forecast that flags the same cells every week sends patrols to the same streets; patrols
there record more incidents, which the next forecast reads as more risk: a feedback loop.
Commanders see it forming in three numbers over the last weeks' weekly forecasts:

- overlap: the share of a week's flagged cells that were also flagged the week before
  (averaged over the weeks);
- persistent: the share of this week's flagged cells flagged in at least 3 of every 4 weeks;
- spread: how many distinct cells were flagged over all the weeks, per cell flagged in one
  week (1.0 means exactly the same cells every week).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.cache import cache

from shouwang.incidents.forecasting import CACHE_SECONDS, Prepared, cache_key, prepare, run

if TYPE_CHECKING:
    from shouwang.incidents.filters import IncidentFilter
    from shouwang.orgs.models import Unit, User

WEEKS = 8
PERSISTENT = 0.75


@dataclass(frozen=True)
class Concentration:
    weeks: int
    flagged: int  # cells flagged each week
    overlap: float
    persistent: float
    spread: float
    per_week: list[tuple[date, float | None]]  # (week start, overlap with the week before)


def concentration(
    prepared: Prepared, start: date, model: str, area_share: float, weeks: int = WEEKS
) -> Concentration:
    starts = [start - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    flagged = [set(run(prepared, s, 7, model).flagged(area_share).tolist()) for s in starts]
    k = max((len(f) for f in flagged), default=0)
    per_week: list[tuple[date, float | None]] = [(starts[0], None)]
    overlaps: list[float] = []
    for s, before, now in zip(starts[1:], flagged[:-1], flagged[1:], strict=True):
        share = len(now & before) / len(now) if now else 0.0
        overlaps.append(share)
        per_week.append((s, share))
    times = {c: sum(c in f for f in flagged) for c in flagged[-1]}
    persistent = sum(n >= PERSISTENT * weeks for n in times.values()) / len(times) if times else 0.0
    distinct = set().union(*flagged) if flagged else set()
    return Concentration(
        weeks=weeks,
        flagged=k,
        overlap=sum(overlaps) / len(overlaps) if overlaps else 0.0,
        persistent=persistent,
        spread=len(distinct) / k if k else 0.0,
        per_week=per_week,
    )


def cached_concentration(
    user: User,
    flt: IncidentFilter,
    unit: Unit,
    *,
    start: date,
    model: str,
    area_share: float,
    cells: str,
) -> Concentration:
    """`concentration` for the map page, cached like the forecasts (8 fits per report)."""
    key = cache_key(user, flt, unit, "concentration", start, model, area_share, cells)
    found = cache.get(key)
    if isinstance(found, Concentration):
        return found
    report = concentration(prepare(user, flt, unit, cells, start), start, model, area_share)
    cache.set(key, report, CACHE_SECONDS)
    return report
