"""Calendar arithmetic of trend reports: periods, 同比 and 环比, and counts per period.

A week runs Monday to Sunday. 环比 compares a period with the one before it; 同比 with the same
period a year earlier: for a month the same month, for a week the week 52 weeks (364 days)
earlier, which keeps the weekday and is the same ISO week number except around a 53-week year.
No Django here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

WEEK = "week"
MONTH = "month"


def period_start(day: date, period: str) -> date:
    if period == WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def shift(start: date, period: str, n: int) -> date:
    """The start of the period `n` periods after the one starting at `start` (n may be < 0)."""
    if period == WEEK:
        return start + timedelta(weeks=n)
    months = start.year * 12 + start.month - 1 + n
    return date(months // 12, months % 12 + 1, 1)


def period_end(start: date, period: str) -> date:
    """The first day after the period (exclusive end)."""
    return shift(start, period, 1)


def last_year(start: date, period: str) -> date:
    return shift(start, period, -52 if period == WEEK else -12)


def total(daily: Mapping[date, int], start: date, end: date) -> int:
    return sum(n for day, n in daily.items() if start <= day < end)


def change(current: int, before: int | None) -> float | None:
    """The change in percent, or None when there is nothing to compare with."""
    if not before:
        return None
    return (current - before) / before * 100.0


@dataclass(frozen=True)
class Comparison:
    start: date
    end: date  # exclusive
    count: int
    # None when the data does not cover that whole period: a half-covered base is no base.
    previous: int | None  # 环比 base: the period before
    last_year: int | None  # 同比 base: the same period a year earlier

    @property
    def mom(self) -> float | None:
        """环比, percent."""
        return change(self.count, self.previous)

    @property
    def yoy(self) -> float | None:
        """同比, percent."""
        return change(self.count, self.last_year)


def compare(
    daily: Mapping[date, int], start: date, period: str, covered_since: date | None = None
) -> Comparison:
    """Counts of the period starting at `start`, the one before and the one a year earlier;
    a base period that starts before `covered_since` (where the data begins) is None."""
    end = period_end(start, period)
    before = shift(start, period, -1)
    year_ago = last_year(start, period)

    def base(begin: date, finish: date) -> int | None:
        if covered_since is not None and begin < covered_since:
            return None
        return total(daily, begin, finish)

    return Comparison(
        start=start,
        end=end,
        count=total(daily, start, end),
        previous=base(before, start),
        last_year=base(year_ago, period_end(year_ago, period)),
    )


def series(daily: Mapping[date, int], last: date, period: str, n: int) -> list[tuple[date, int]]:
    """(start, count) of the `n` periods ending with the one starting at `last`."""
    by_period: dict[date, int] = {}
    for day, count in daily.items():
        key = period_start(day, period)
        by_period[key] = by_period.get(key, 0) + count
    starts = [shift(last, period, -k) for k in range(n - 1, -1, -1)]
    return [(s, by_period.get(s, 0)) for s in starts]
