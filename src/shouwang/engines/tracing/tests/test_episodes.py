"""The quick answer to "does this account pass this payment on" is the exhaustive one."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from shouwang.engines.tracing import MatchLimits
from shouwang.engines.tracing.episodes import _pairs, passes_through
from shouwang.engines.tracing.rows import Row

MINUTE = 60_000_000

# One account's statement: payments in (from X) and out (to Y) of a few sizes, often equal and
# close in time, so that many sums meet the fee and the cent-per-payment bounds exactly.
payments = st.lists(
    st.tuples(
        st.booleans(),  # in?
        st.sampled_from([1.0, 2.0, 3.0, 5.0, 9.7, 10.0, 10.01, 19.4, 20.0, 97.0, 100.0]),
        st.integers(0, 30),  # minute
    ),
    min_size=2,
    max_size=14,
)
limits = st.builds(
    MatchLimits,
    fee=st.sampled_from([0.0, 0.03, 0.5]),
    within=st.sampled_from([timedelta(minutes=5), timedelta(minutes=20)]),
    skips=st.integers(0, 3),
    busy=st.sampled_from([4, 32]),
)


def statement(spec: list[tuple[bool, float, int]]) -> list[Row]:
    rows = [
        Row(minute * MINUTE, n, "X" if is_in else "M", "M" if is_in else "Y", amount, None, None)
        for n, (is_in, amount, minute) in enumerate(spec)
    ]
    return sorted(rows, key=lambda r: (r.time, r.txn_id))


@settings(max_examples=400, deadline=None)
@given(payments, limits, st.data())
def test_passes_through_agrees_with_the_exhaustive_search(spec, limits, data):
    window = statement(spec)
    anchor = data.draw(st.integers(0, len(window) - 1))
    flags = [False] * len(window)
    exhaustive = next(_pairs(window, "M", anchor, limits, flags), None) is not None
    assert passes_through(window, "M", anchor, limits) == exhaustive


def test_a_counterparty_with_dozens_of_payments_out():
    # 308 in, then 32 payments out of 7, 8, ..., 38: the first twenty less the 10 and the 12
    # add up to 308 exactly; the runs of payments out with two left out number ~10^5
    spec = [(True, 308.0, 0)] + [(False, 7.0 + i, 1 + i // 4) for i in range(32)]
    window = statement(spec)
    limits = MatchLimits(fee=0.0, within=timedelta(minutes=20), skips=2)
    flags = [False] * len(window)
    answers = [passes_through(window, "M", anchor, limits) for anchor in range(len(window))]
    exhaustive = [
        next(_pairs(window, "M", anchor, limits, flags), None) is not None
        for anchor in range(len(window))
    ]
    assert answers == exhaustive
    assert answers[0] is True  # the payment in is passed on
    assert answers[-1] is False  # the last payment out (38) is in no run that adds up
