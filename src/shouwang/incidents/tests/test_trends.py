"""同比 / 环比 against a hand-checked example, and the week's alert."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from scipy import stats

from shouwang.common.testing import POINT_A, POINT_B, Cast
from shouwang.incidents.alerts import upper_bound, week_alert
from shouwang.incidents.filters import IncidentFilter
from shouwang.incidents.periods import MONTH, WEEK, last_year, shift
from shouwang.incidents.trends import trend_report

from .factories import add_incidents

A = POINT_A


def _at(day: str, n: int, category: str = "入室盗窃") -> list[tuple[str, str, float, float]]:
    return [(f"{day} {8 + i % 10:02d}:00", category, A[0], A[1]) for i in range(n)]


@pytest.fixture
def history(cast: Cast) -> Cast:
    with time_machine.travel("2026-04-10 12:00 +08:00", tick=False):
        rows = [
            *_at("2026-03-10", 6),  # week of Monday 9 March 2026
            *_at("2026-03-03", 3),  # the week before
            *_at("2026-03-05", 1, "打架斗殴"),
            *_at("2025-03-11", 3),  # the same week a year earlier (Monday 10 March 2025)
            *_at("2025-03-17", 1),  # the week after that: not part of 同比
            *_at("2026-02-20", 2),  # February 2026
        ]
        add_incidents(cast.alice, cast.station_a, rows)
        add_incidents(
            cast.charlie, cast.station_b, [("2026-03-10 09:00", "入室盗窃", *POINT_B)], name="B"
        )
    return cast


def test_calendar_arithmetic() -> None:
    assert last_year(date(2026, 3, 9), WEEK) == date(2025, 3, 10)  # a Monday, ISO week 11
    assert date(2025, 3, 10).isocalendar()[1] == date(2026, 3, 9).isocalendar()[1] == 11
    assert shift(date(2026, 1, 1), MONTH, -1) == date(2025, 12, 1)
    assert last_year(date(2026, 3, 1), MONTH) == date(2025, 3, 1)


def test_week_on_week_and_year_on_year_by_hand(history: Cast) -> None:
    with time_machine.travel("2026-03-18 12:00 +08:00", tick=False):
        report = trend_report(history.alice, IncidentFilter(), history.station_a, WEEK)
    c = report.comparison
    assert (c.start, c.end) == (date(2026, 3, 9), date(2026, 3, 16))
    # 6 this week; 3 + 1 the week before; 3 a year earlier.
    assert (c.count, c.previous, c.last_year) == (6, 4, 3)
    assert c.mom == pytest.approx(50.0) and c.yoy == pytest.approx(100.0)
    burglary = next(r for r in report.categories if r.code == "burglary").comparison
    assert (burglary.count, burglary.previous, burglary.last_year) == (6, 3, 3)


def test_month_on_month_and_year_on_year_by_hand(history: Cast) -> None:
    with time_machine.travel("2026-04-10 12:00 +08:00", tick=False):
        report = trend_report(history.alice, IncidentFilter(), history.station_a, MONTH)
    c = report.comparison
    # March 2026: 6 + 3 + 1; February 2026: 2; March 2025: 3 + 1.
    assert (c.start, c.count, c.previous, c.last_year) == (date(2026, 3, 1), 10, 2, 4)
    assert c.mom == pytest.approx(400.0) and c.yoy == pytest.approx(150.0)
    assert report.chart[-1] == (date(2026, 3, 1), 10, 4)


def test_a_category_filter_and_the_child_rows(history: Cast) -> None:
    flt = IncidentFilter(category=["public_order"])
    with time_machine.travel("2026-04-10 12:00 +08:00", tick=False):
        report = trend_report(history.alice, flt, history.station_a, MONTH)
        city = trend_report(history.frank, IncidentFilter(), history.city, MONTH)
    assert report.comparison.count == 1
    assert [(r.code, r.comparison.count) for r in city.units] == [
        (history.district_a.code, 10),
        (history.district_b.code, 1),
    ]


def test_another_jurisdiction_counts_nothing(history: Cast) -> None:
    with time_machine.travel("2026-04-10 12:00 +08:00", tick=False):
        report = trend_report(history.charlie, IncidentFilter(), history.station_a, MONTH)
    assert report.comparison.count == 0 and report.categories == []


MONDAY = date(2026, 3, 9)
SINCE = date(2023, 1, 2)


def _reference(seasonal: int, recent: int) -> dict[date, int]:
    weekly: dict[date, int] = {}
    for years in (1, 2, 3):
        for k in range(-2, 3):
            weekly[MONDAY - timedelta(weeks=52 * years) + timedelta(weeks=k)] = seasonal
    for k in range(1, 9):
        weekly[MONDAY - timedelta(weeks=k)] = recent
    return weekly


def test_a_week_above_the_poisson_bound_alerts() -> None:
    weekly = _reference(4, 4)
    # Mean 4, no spread: Poisson(4). P(X <= 8) = 0.979, P(X <= 9) = 0.992: the bound is 9.
    weekly[MONDAY] = 9
    quiet = week_alert(weekly, MONDAY, SINCE)
    assert (quiet.expected, quiet.upper, quiet.reference_weeks) == (4.0, 9.0, 23)
    assert quiet.judged and not quiet.alert and not quiet.overdispersed
    weekly[MONDAY] = 10
    assert week_alert(weekly, MONDAY, SINCE).alert


def test_the_season_and_the_recent_level_weigh_equally() -> None:
    weekly = _reference(2, 6)
    weekly[MONDAY] = 11
    alert = week_alert(weekly, MONDAY, SINCE)
    assert alert.expected == pytest.approx(4.0)  # (2 + 6) / 2
    assert alert.upper == stats.poisson.ppf(0.99, 4.0) == 9.0  # variance 3.8 < mean
    assert alert.alert


def test_overdispersed_counts_use_a_negative_binomial_of_that_mean_and_variance() -> None:
    upper, overdispersed = upper_bound(4.0, 12.0)
    n, p = 2.0, 1.0 / 3.0  # n = 4^2 / (12 - 4), p = 4 / 12
    assert stats.nbinom.mean(n, p) == pytest.approx(4.0)
    assert stats.nbinom.var(n, p) == pytest.approx(12.0)
    assert overdispersed and upper == stats.nbinom.ppf(0.99, n, p) > 9.0


def test_too_little_history_is_not_judged() -> None:
    weekly = {MONDAY - timedelta(weeks=k): 1 for k in range(0, 4)}
    weekly[MONDAY] = 40
    alert = week_alert(weekly, MONDAY, MONDAY - timedelta(weeks=3))
    assert not alert.judged and not alert.alert and alert.reference_weeks == 3


def test_a_small_count_never_alerts() -> None:
    weekly = _reference(0, 0)
    weekly[MONDAY] = 4
    alert = week_alert(weekly, MONDAY, SINCE)
    assert alert.upper == 0.0 and not alert.alert


def test_a_base_before_the_data_begins_is_no_base(cast: Cast) -> None:
    with time_machine.travel("2026-04-10 12:00 +08:00", tick=False):
        add_incidents(cast.alice, cast.station_a, [*_at("2026-02-10", 2), *_at("2026-03-10", 3)])
        report = trend_report(cast.alice, IncidentFilter(), cast.station_a, MONTH)
    c = report.comparison
    assert (c.count, c.previous, c.last_year) == (3, 2, None)
    assert c.yoy is None and c.mom == pytest.approx(50.0)
    assert report.chart[-1] == (date(2026, 3, 1), 3, None)  # a gap, not a zero
