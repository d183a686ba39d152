"""Properties that hold on any table: conservation, time order, poison covers the other rules."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shouwang.engines.tracing import RULES, MatchLimits, Start, TraceResult, trace
from shouwang.engines.tracing.tests.tables import at

ACCOUNTS = ["A", "B", "C", "D", "E", "F"]

rows = st.lists(
    st.tuples(
        st.sampled_from(ACCOUNTS),
        st.sampled_from(ACCOUNTS),
        st.integers(1, 2000),
        st.integers(0, 40),  # minutes: equal times are frequent on purpose
        st.sampled_from(["transfer", "transfer", "transfer", "atm"]),
    ).filter(lambda r: r[0] != r[1]),
    min_size=1,
    max_size=40,
)
starts = st.lists(
    st.tuples(st.sampled_from(ACCOUNTS[:3]), st.integers(1, 3000), st.integers(0, 20)),
    min_size=1,
    max_size=2,
)
hops = st.integers(1, 4)
conserving = st.sampled_from([r for r in RULES if r != "poison"])  # rules that conserve money
lookbacks = st.sampled_from([0, 10])  # minutes of history read before the money arrives
# a 50% fee lets many sums match, so that pools, fees and the FIFO fallback all get exercised
match_limits = st.builds(
    MatchLimits,
    fee=st.sampled_from([0.03, 0.5]),
    within=st.sampled_from([timedelta(minutes=10), timedelta(minutes=30)]),
    skips=st.sampled_from([0, 2]),
)


def to_table(drawn: Any) -> Any:
    return pa.table(
        {
            "txn_id": [f"t{i:03d}" for i in range(len(drawn))],
            "from_account": [r[0] for r in drawn],
            "to_account": [r[1] for r in drawn],
            "amount": [float(r[2]) for r in drawn],
            "time": pa.array([at(r[3]) for r in drawn], pa.timestamp("us")),
            "channel": [r[4] for r in drawn],
        }
    )


def run(
    drawn: Any,
    drawn_starts: Any,
    rule: Any,
    max_hops: int,
    lookback: int = 0,
    match: MatchLimits | None = None,
) -> TraceResult:
    return trace(
        to_table(drawn),
        [Start(a, float(x), at(m)) for a, x, m in drawn_starts],
        rule=rule,
        max_hops=max_hops,
        window=timedelta(hours=1),
        min_amount=0.0,
        lookback=timedelta(minutes=lookback),
        match=match,
    )


def assert_conserved(result: TraceResult, drawn_starts: Any) -> None:
    """The starts' money is all held, cashed out or beyond the limits; no flow carries more
    than its amount."""
    total = sum(float(x) for _, x, _ in drawn_starts)
    accounted = (
        sum(h.amount for h in result.holdings)
        + sum(c.amount for c in result.cash_outs)
        + result.beyond_limits
    )
    assert accounted == pytest.approx(total, rel=1e-9, abs=1e-6)
    for flow in result.flows:
        assert 0 < flow.attributed <= flow.amount + 1e-9


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(rows, starts, hops, conserving, lookbacks, match_limits)
def test_victim_money_is_conserved(drawn, drawn_starts, max_hops, rule, lookback, limits):
    result = run(drawn, drawn_starts, rule, max_hops, lookback, limits)
    assert_conserved(result, drawn_starts)


@SETTINGS
@given(rows, starts, hops, st.sampled_from(RULES), match_limits)
def test_no_hop_goes_back_in_time(drawn, drawn_starts, max_hops, rule, limits):
    result = run(drawn, drawn_starts, rule, max_hops, match=limits)
    arrivals: dict[str, list[tuple[Any, int]]] = {}
    for s in result.starts:
        arrivals.setdefault(s.account, []).append((s.time, 0))
    for flow in result.flows:
        arrivals.setdefault(flow.to_account, []).append((flow.time, flow.hop))
    for flow in result.flows:
        if flow.hop == 0:
            continue
        # the money it carries reached the sender earlier (or at the same instant) one hop before
        assert any(t <= flow.time and h == flow.hop - 1 for t, h in arrivals[flow.from_account]), (
            flow
        )
        assert flow.hop <= max_hops


@SETTINGS
@given(rows, starts, hops, lookbacks, st.sampled_from(["fifo", "haircut", "lowest"]))
def test_poison_reaches_every_account_a_balance_rule_reaches(
    drawn, drawn_starts, max_hops, lookback, rule
):
    other = run(drawn, drawn_starts, rule, max_hops, lookback)
    poison = run(drawn, drawn_starts, "poison", max_hops, lookback)
    assert other.accounts() <= poison.accounts()
    assert {f.txn_id for f in other.flows} <= {f.txn_id for f in poison.flows}


@SETTINGS
@given(rows, starts, hops, lookbacks, match_limits)
def test_poison_reaches_every_account_match_reaches(
    drawn, drawn_starts, max_hops, lookback, limits
):
    matched = run(drawn, drawn_starts, "match", max_hops, lookback, limits)
    poison = run(drawn, drawn_starts, "poison", max_hops, lookback)
    assert matched.accounts() <= poison.accounts()
    assert {f.txn_id for f in matched.flows} <= {f.txn_id for f in poison.flows}


def with_balances(drawn: Any, openings: dict[str, int], shown: list[bool]) -> Any:
    """The table with each side's running balance from ``openings``, as statements would give
    it; ``shown[i]`` false leaves row i's balances out (a statement without the column)."""
    rows = to_table(drawn)
    held = {a: float(openings.get(a, 0)) for a in ACCOUNTS}
    after: dict[int, tuple[float, float]] = {}
    for i in sorted(range(len(drawn)), key=lambda i: (drawn[i][3], i)):  # replay order
        payer, payee, amount = drawn[i][0], drawn[i][1], float(drawn[i][2])
        held[payer] -= amount
        held[payee] += amount
        after[i] = (held[payer], held[payee])
    for name, side in (("from_balance", 0), ("to_balance", 1)):
        values = [after[i][side] if shown[i % len(shown)] else None for i in range(len(drawn))]
        rows = rows.append_column(name, pa.array(values, pa.float64()))
    return rows


@SETTINGS
@given(
    rows,
    starts,
    hops,
    conserving,
    st.dictionaries(st.sampled_from(ACCOUNTS), st.integers(0, 5000)),
    st.lists(st.booleans(), min_size=1, max_size=5),
    match_limits,
)
def test_victim_money_is_conserved_when_statements_give_balances(
    drawn, drawn_starts, max_hops, rule, openings, shown, limits
):
    result = trace(
        with_balances(drawn, openings, shown),
        [Start(a, float(x), at(m)) for a, x, m in drawn_starts],
        rule=rule,
        max_hops=max_hops,
        window=timedelta(hours=1),
        min_amount=0.0,
        match=limits,
    )
    assert_conserved(result, drawn_starts)
