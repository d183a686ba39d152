"""Is this week well above what the unit's own history and season predict?

The expected count of a unit's week blends two references, each a set of weekly counts:

- the season: the same week and the two weeks either side of it in each of up to three past
  years (up to 15 weeks), which carries the time of year;
- the recent level: the 8 weeks before the week, which carries this year's level.

expected = the mean of the seasonal mean and the recent mean (either alone when the other has
no weeks). The spread is the variance of all reference weeks. Counts of incidents are Poisson
when the variance is no larger than the mean; when it is larger (overdispersed, as crime counts
usually are) they are taken as negative binomial with that mean and variance. The upper bound
is the 99th percentile of that distribution; the week alerts when its count is above the bound
and at least 5 (a jump from 0 to 2 is not news). With fewer than 6 reference weeks no
judgement is made. A week counts as history only from the first week the data covers, so weeks
before a unit had any data do not read as zeros.

This is the logic of the Farrington outbreak-detection method, simplified: no trend term, no
down-weighting of past outbreaks. No Django here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy import stats

SEASON_YEARS = 3
SEASON_HALF_WIDTH = 2
RECENT_WEEKS = 8
QUANTILE = 0.99
MIN_COUNT = 5
MIN_REFERENCE_WEEKS = 6


@dataclass(frozen=True)
class WeekAlert:
    week: date  # Monday
    observed: int
    expected: float | None
    upper: float | None
    reference_weeks: int
    overdispersed: bool

    @property
    def judged(self) -> bool:
        return self.upper is not None

    @property
    def alert(self) -> bool:
        return self.upper is not None and self.observed > self.upper and self.observed >= MIN_COUNT


def reference_weeks(week: date, since: date) -> tuple[list[date], list[date]]:
    """(seasonal, recent) Mondays of the reference, none before the week of `since`."""
    first = since - timedelta(days=since.weekday())
    seasonal = [
        week - timedelta(weeks=52 * y) + timedelta(weeks=k)
        for y in range(1, SEASON_YEARS + 1)
        for k in range(-SEASON_HALF_WIDTH, SEASON_HALF_WIDTH + 1)
    ]
    recent = [week - timedelta(weeks=k) for k in range(1, RECENT_WEEKS + 1)]
    return [w for w in seasonal if w >= first], [w for w in recent if w >= first]


def upper_bound(mean: float, variance: float) -> tuple[float, bool]:
    """The QUANTILE of a Poisson (variance <= mean) or negative binomial count."""
    if mean <= 0:
        return 0.0, False
    if variance <= mean:
        return float(stats.poisson.ppf(QUANTILE, mean)), False
    # Negative binomial with mean m and variance v: n = m^2 / (v - m), p = m / v.
    n = mean * mean / (variance - mean)
    return float(stats.nbinom.ppf(QUANTILE, n, mean / variance)), True


def week_alert(weekly: Mapping[date, int], week: date, since: date) -> WeekAlert:
    """Judge the week starting on Monday `week` from the weekly counts (Monday -> count)."""
    seasonal, recent = reference_weeks(week, since)
    observed = int(weekly.get(week, 0))
    reference = [weekly.get(w, 0) for w in seasonal + recent]
    if len(reference) < MIN_REFERENCE_WEEKS:
        return WeekAlert(week, observed, None, None, len(reference), False)
    means = [float(np.mean([weekly.get(w, 0) for w in ws])) for ws in (seasonal, recent) if ws]
    expected = float(np.mean(means))
    variance = float(np.var(reference, ddof=1))
    upper, overdispersed = upper_bound(expected, variance)
    return WeekAlert(week, observed, expected, upper, len(reference), overdispersed)
