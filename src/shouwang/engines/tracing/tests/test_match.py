"""The match rule (金额匹配) on tables small enough to check by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shouwang.engines.tracing import MatchLimits, ParameterError, Start, TraceResult, trace
from shouwang.engines.tracing.tests.tables import at, table

# The mule M holds money of its own, receives the victim's 1,000, spends 300 on something else
# and passes 985 on to N: 15 is its fee.
MULE = table(
    ("X", "M", 800, -30),
    ("V", "M", 1000, 0),
    ("M", "shop", 300, 5),
    ("M", "N", 985, 10),
)

# M pays out two pairs that both add up to about the victim's 1,000: A and B pass their
# payments on (to E and F), C does not.
TWO_WAYS = table(
    ("V", "M", 1000, 0),
    ("M", "A", 500, 1),
    ("M", "B", 490, 1),
    ("M", "C", 510, 2),
    ("A", "E", 495, 3),
    ("B", "F", 485, 3),
)


def held(result: TraceResult, account: str) -> float:
    return next((h.amount for h in result.holdings if h.account == account), 0.0)


def into(result: TraceResult, account: str) -> float:
    return sum(f.attributed for f in result.flows if f.to_account == account)


def test_it_follows_the_payment_that_matches_the_victims_amount():
    result = trace(MULE, Start("M", 1000, at(0)), rule="match", lookback=timedelta(hours=1))
    assert held(result, "N") == pytest.approx(985)
    assert held(result, "M") == pytest.approx(15)  # the fee stays with the mule
    assert "shop" not in result.accounts()


def test_fifo_sends_the_mules_own_money_on_first_where_match_does_not():
    result = trace(MULE, Start("M", 1000, at(0)), rule="fifo", lookback=timedelta(hours=1))
    assert held(result, "N") == pytest.approx(485)


def test_payments_in_that_fund_one_payment_out_share_it_in_proportion():
    fan_in = table(("V", "C", 300, 0), ("P", "C", 500, 1), ("Q", "C", 200, 2), ("C", "D", 990, 5))
    result = trace(fan_in, Start("C", 300, at(0)), rule="match")
    assert into(result, "D") == pytest.approx(297)
    assert held(result, "C") == pytest.approx(3)


def test_a_payment_amid_the_burst_is_left_out_as_ordinary_business():
    rows = table(("P", "M", 500, 0), ("X", "M", 300, 1), ("V", "M", 500, 2), ("M", "N", 990, 5))
    start, hour = Start("M", 500, at(2)), timedelta(hours=1)  # the look-back shows P and X
    assert into(trace(rows, start, rule="match", lookback=hour), "N") == pytest.approx(495)
    no_skips = trace(rows, start, rule="match", lookback=hour, match=MatchLimits(skips=0))
    assert into(no_skips, "N") == pytest.approx(190)  # FIFO: P's and X's money leave first


def test_a_split_may_pay_out_a_cent_more_than_came_in_and_conserves_the_money():
    split = table(("V", "M", 1000, 0), ("M", "A", 333.34, 1), ("M", "B", 333.33, 2),
                  ("M", "C", 333.34, 3))  # fmt: skip
    result = trace(split, Start("M", 1000, at(0)), rule="match")
    assert {f.to_account: f.attributed for f in result.flows if f.hop == 1} == pytest.approx(
        {"A": 333.34 * 1000 / 1000.01, "B": 333.33 * 1000 / 1000.01, "C": 333.34 * 1000 / 1000.01}
    )
    assert sum(h.amount for h in result.holdings) == pytest.approx(1000)


def test_it_prefers_the_payments_whose_receivers_pass_them_on():
    result = trace(TWO_WAYS, Start("M", 1000, at(0)), rule="match")
    assert held(result, "E") == pytest.approx(495)
    assert held(result, "F") == pytest.approx(485)
    # M's fee is M's money once the pair has left; M's next payment takes it (FIFO)
    assert into(result, "C") == pytest.approx(10)


def test_without_the_counterparties_statements_the_largest_sum_that_fits_wins():
    limits = MatchLimits(counterparties=False)
    result = trace(TWO_WAYS, Start("M", 1000, at(0)), rule="match", match=limits)
    assert into(result, "C") == pytest.approx(510)
    assert into(result, "B") == pytest.approx(490)
    assert "A" not in result.accounts()


def test_when_nothing_adds_up_it_falls_back_to_fifo():
    rows = table(("V", "M", 1000, 0), ("M", "A", 400, 1), ("M", "B", 700, 2))
    result = trace(rows, Start("M", 1000, at(0)), rule="match")
    assert result.holdings == trace(rows, Start("M", 1000, at(0)), rule="fifo").holdings


def test_payments_out_later_than_within_are_not_matched():
    rows = table(("V", "M", 1000, 0), ("M", "A", 500, 10), ("M", "N", 990, 120))
    start = Start("M", 1000, at(0))
    hour = trace(rows, start, rule="match", match=MatchLimits(within=timedelta(hours=1)))
    day = trace(rows, start, rule="match", match=MatchLimits(within=timedelta(hours=24)))
    assert (held(hour, "A"), held(hour, "N")) == pytest.approx((500, 500))
    assert (held(day, "A"), held(day, "N")) == pytest.approx((0, 990))


def test_an_account_busier_than_the_limit_is_followed_fifo():
    rows = table(("V", "M", 1000, 0), ("M", "A", 400, 1), ("M", "B", 590, 2))
    start = Start("M", 1000, at(0))
    busy = trace(rows, start, rule="match", match=MatchLimits(busy=1))
    assert busy.holdings == trace(rows, start, rule="fifo").holdings
    assert held(trace(rows, start, rule="match"), "M") == pytest.approx(10)


def test_money_placed_without_a_table_row_is_matched_too():
    result = trace(table(("M", "N", 980, 5)), Start("M", 1000, at(0)), rule="match")
    assert (held(result, "N"), held(result, "M")) == pytest.approx((980, 20))


def test_the_result_keeps_the_limits_of_the_match_rule():
    limits = MatchLimits(fee=0.02, within=timedelta(hours=4))
    result = trace(MULE, Start("M", 1000, at(0)), rule="match", match=limits)
    assert result.match == limits
    assert result.to_dict()["match"]["within"] == 4 * 3600
    assert trace(MULE, Start("M", 1000, at(0)), match=limits).match is None


@pytest.mark.parametrize(
    ("limits", "name"),
    [
        (MatchLimits(fee=1.0), "match_fee"),
        (MatchLimits(fee=-0.1), "match_fee"),
        (MatchLimits(within=timedelta(0)), "match_within"),
        (MatchLimits(skips=-1), "match_skips"),
        (MatchLimits(busy=0), "match_busy"),
    ],
)
def test_it_rejects_limits_out_of_range(limits, name):
    with pytest.raises(ParameterError) as caught:
        trace(MULE, Start("M", 1000, at(0)), rule="match", match=limits)
    assert caught.value.name == name


def test_two_starts_at_one_account_and_time_stay_two_payments_in():
    # Two victims paid A 1 each at the same instant, neither payment in the table; A then
    # takes 1 out at an ATM. The two placed payments once shared an id and were pooled as one,
    # and the cash-out carried 2.
    rows = table(("A", "B", 1, 0, "atm"))
    starts = [Start("A", 1, at(0)), Start("A", 1, at(0))]
    result = trace(rows, starts, rule="match", window=timedelta(hours=1), min_amount=0.0)
    assert [c.amount for c in result.cash_outs] == [pytest.approx(1)]
    assert [h.account for h in result.holdings] == ["A"]
    assert result.holdings[0].amount == pytest.approx(1)
