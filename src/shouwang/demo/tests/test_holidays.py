"""The demo's planned holiday falls in its own season, after the demo's clock."""

from __future__ import annotations

from datetime import date

from shouwang.demo.incidents import next_holiday


def test_the_next_holiday_after_late_november_is_new_year() -> None:
    assert next_holiday(date(2026, 11, 23)) == ("元旦假期", date(2027, 1, 1), date(2027, 1, 3))


def test_a_holiday_under_way_is_still_the_next_one() -> None:
    assert next_holiday(date(2026, 10, 3)) == ("国庆假期", date(2026, 10, 1), date(2026, 10, 7))
    assert next_holiday(date(2026, 10, 8))[0] == "元旦假期"
    assert next_holiday(date(2026, 2, 1))[1] == date(2026, 5, 1)
