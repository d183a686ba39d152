"""What each rule attributes, on tables small enough to check by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shouwang.engines.tracing import ParameterError, Start, TraceResult, trace
from shouwang.engines.tracing.tests.tables import at, table

# The victim pays 1,000 into M at minute 0; M already received 1,000 of other money at -10.
MIXED = table(
    ("X", "M", 1000, -10),
    ("V", "M", 1000, 0),
    ("M", "A", 1000, 5),
    ("M", "B", 1000, 6),
)


def held(result: TraceResult, account: str) -> float:
    return next((h.amount for h in result.holdings if h.account == account), 0.0)


def test_fifo_sends_the_older_money_first_when_the_lookback_shows_it():
    result = trace(MIXED, Start("M", 1000, at(0)), lookback=timedelta(hours=1))
    assert held(result, "A") == 0.0
    assert held(result, "B") == pytest.approx(1000)


def test_fifo_without_lookback_takes_the_victim_money_as_the_first_to_leave():
    result = trace(MIXED, Start("M", 1000, at(0)))
    assert held(result, "A") == pytest.approx(1000)
    assert held(result, "B") == 0.0


def test_haircut_splits_in_proportion_to_the_balance():
    result = trace(MIXED, Start("M", 1000, at(0)), rule="haircut", lookback=timedelta(hours=1))
    assert held(result, "A") == pytest.approx(500)
    assert held(result, "B") == pytest.approx(500)


# The victim pays 1,000 into M; M pays 800 to A, receives 1,000 of other money, pays 1,000 to B.
DRAWN_DOWN = table(
    ("V", "M", 1000, 0),
    ("M", "A", 800, 2),
    ("X", "M", 1000, 3),
    ("M", "B", 1000, 5),
)


@pytest.mark.parametrize(
    ("rule", "a", "b", "m"),
    [
        # the victim money goes first: 800 to A, the other 200 with B's 1,000
        ("fifo", 800, 200, 0),
        # every payment carries the account's share: 200 of 1,200 when B is paid
        ("haircut", 800, 1000 * 200 / 1200, 200 - 1000 * 200 / 1200),
        # the account's own money goes first; the balance fell to 200 when A was paid, and the
        # 1,000 that came in later is not the victim's: 200 stay in M
        ("lowest", 800, 0, 200),
    ],
)
def test_the_balance_rules_on_an_account_drawn_down_and_refilled(rule, a, b, m):
    result = trace(DRAWN_DOWN, Start("M", 1000, at(0)), rule=rule, lookback=timedelta(hours=1))
    assert held(result, "A") == pytest.approx(a)
    assert held(result, "B") == pytest.approx(b)
    assert held(result, "M") == pytest.approx(m)


def test_poison_marks_every_later_transaction_in_full():
    result = trace(MIXED, Start("M", 1000, at(0)), rule="poison", lookback=timedelta(hours=1))
    assert {f.to_account: f.attributed for f in result.flows if f.hop == 1} == {
        "A": 1000,
        "B": 1000,
    }


def test_the_victims_payment_in_the_table_is_the_hop_zero_flow():
    result = trace(MIXED, Start("M", 1000, at(0)))
    assert next((f.hop, f.txn_id, f.from_account) for f in result.flows) == (0, "t02", "V")


def test_money_cannot_leave_before_it_arrived():
    early = table(("M", "A", 500, -5), ("V", "M", 500, 0), ("M", "B", 500, 1))
    result = trace(early, Start("M", 500, at(0)), lookback=timedelta(hours=1))
    assert {f.to_account for f in result.flows if f.hop == 1} == {"B"}


def test_cash_out_channels_end_the_trail():
    rows = table(("V", "M", 900, 0), ("M", "ATM-1", 400, 1, "ATM"), ("M", "N", 500, 2),
                 ("N", "shop", 500, 3, "merchant"), ("ATM-1", "Z", 400, 4))  # fmt: skip
    result = trace(rows, Start("M", 900, at(0)))
    assert sorted((c.account, c.channel, c.amount) for c in result.cash_outs) == [
        ("M", "atm", 400.0),
        ("N", "merchant", 500.0),
    ]
    assert "Z" not in result.accounts()
    assert sum(h.amount for h in result.holdings) == pytest.approx(0)


def test_the_freeze_list_is_ranked_by_amount_with_the_bank():
    rows = table(("V", "M", 900, 0), ("M", "A", 200, 1), ("M", "B", 700, 2))
    result = trace(rows, Start("M", 900, at(0)))
    assert [(h.account, h.bank, h.amount, h.hops) for h in result.holdings] == [
        ("B", "bank-of-B", 700.0, 1),
        ("A", "bank-of-A", 200.0, 1),
    ]


def test_money_past_the_hop_limit_is_counted_not_followed():
    rows = table(("V", "A", 100, 0), ("A", "B", 100, 1), ("B", "C", 100, 2), ("C", "D", 100, 3))
    result = trace(rows, Start("A", 100, at(0)), max_hops=2)
    assert max(f.hop for f in result.flows) == 2
    assert result.beyond_limits == pytest.approx(100)
    assert "D" not in result.accounts()


def test_the_window_ends_the_trail():
    rows = table(("V", "A", 100, 0), ("A", "B", 100, 30), ("B", "C", 100, 120))
    result = trace(rows, Start("A", 100, at(0)), window=timedelta(hours=1))
    assert [h.account for h in result.holdings] == ["B"]


def test_amounts_below_the_minimum_are_held_where_they_landed():
    rows = table(("V", "A", 1000, 0), ("A", "B", 0.5, 1), ("B", "C", 0.5, 2), ("A", "D", 999.5, 3))
    result = trace(rows, Start("A", 1000, at(0)), min_amount=1.0)
    assert held(result, "B") == pytest.approx(0.5)
    assert "C" not in result.accounts()


def test_a_start_not_in_the_table_is_placed_in_the_account():
    rows = table(("A", "B", 300, 5))
    result = trace(rows, Start("A", 300, at(0)))
    assert [(f.hop, f.to_account) for f in result.flows] == [(1, "B")]


def test_results_are_json_ready():
    import json

    result = trace(MIXED, Start("M", 1000, at(0)))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["rule"] == "fifo" and data["window"] == 72 * 3600
    assert data["flows"][0]["time"] == "2025-03-01T09:00:00"


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"rule": "lifo"}, "rule"),
        ({"max_hops": 0}, "max_hops"),
        ({"window": timedelta(0)}, "window"),
        ({"min_amount": -1.0}, "min_amount"),
        ({"backend": "oracle"}, "backend"),
    ],
)
def test_it_rejects_bad_parameters(kwargs, name):
    with pytest.raises(ParameterError) as caught:
        trace(MIXED, Start("M", 1000, at(0)), **kwargs)
    assert caught.value.name == name


def test_it_rejects_a_non_positive_amount():
    with pytest.raises(ParameterError) as caught:
        trace(MIXED, Start("M", 0, at(0)))
    assert caught.value.name == "amount"
