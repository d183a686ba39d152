"""Ground truth: the two AMLSim layering chains in ../shared/data/amlsim/.

Each chain: 25 sources pay one collector (stage 1), the money is layered through stages 2-11
and paid out to 25 cash-out accounts (stage 12), about 1% lost per stage. Steps are days.

Truth, for a trace that starts with one source's stage-1 payment (amount a_s):
* its chain's transactions are that payment and every transaction of stages 2-12 (a forward
  trace cannot reach the other sources' payments);
* its cash-out accounts are the 25 receivers of stage 12;
* the amount that reaches cash-out c along the laundering transactions is
  s * amount(stage-12 payment to c), with s = a_s / (all stage-1 payments of the chain): the
  chain pools the sources' money, so each stage-12 payment carries the source's share of it
  (AMLSim moves amounts between accounts, not money of one source; pooling in proportion is
  the reading that needs no further assumption). Haircut on the laundering rows alone gives
  exactly these amounts.
``check`` measures exactly that: the victim money the trace attributes to the chain's stage-12
payments, per cash-out account, against the truth.

The chain accounts also make ordinary payments (14,188 in the file), funded in AMLSim from
opening balances that the file does not hold. The balance rules mix that money with the chain's,
so their amounts are right on the laundering transactions alone; amount matching (``match``)
tells the chain's payments from the ordinary ones and gets them right on the whole file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import duckdb
import pytest

from shouwang.engines.tracing import Ledger, MatchLimits, Start, TraceResult, trace
from shouwang.engines.tracing.tests.tables import data_dir

EDGES = data_dir() / "amlsim" / "edges.csv"
pytestmark = pytest.mark.skipif(not EDGES.exists(), reason="../shared/data/amlsim is missing")

# the chains take 24 steps; a 3-day look-back shows the collector's earlier deposits
LIMITS: dict[str, Any] = {
    "max_hops": 12,
    "window": timedelta(days=30),
    "lookback": timedelta(days=3),
}
# Read off chain 1 alone: its longest pass-through (first payment in to last payment out) takes
# 4 steps, and a step is a day whose payments may fall anywhere in it: 5 days. One of its
# accounts has two ordinary payments amid the chain's (skips=2). The 3% fee is the analysts'
# usual tolerance. bench/trace.py --amlsim shows other values.
MATCH = MatchLimits(fee=0.03, within=timedelta(days=5), skips=2)


@pytest.fixture(scope="module")
def edges():
    con = duckdb.connect()
    con.execute(
        f"""CREATE TABLE e AS SELECT id, src, dst, amount, alertid,
            try_cast(split_part(name, '_', 2) AS INT) AS stage,
            TIMESTAMP '2017-01-01' + to_days(CAST(step AS INT)) AS t
        FROM read_csv('{EDGES}', header = true)"""  # noqa: S608
    )
    return con


def ledger(edges: duckdb.DuckDBPyConnection, where: str) -> Ledger:
    return Ledger.load(
        edges.sql(
            "SELECT id AS txn_id, src AS from_account, dst AS to_account, amount, t AS time "  # noqa: S608
            f"FROM e WHERE {where}"
        )
    )


def chains(edges: duckdb.DuckDBPyConnection) -> Iterator[tuple[Start, set[int], dict[int, float]]]:
    for alert in (1, 2):
        rows = edges.execute(
            "SELECT id, src, dst, amount, stage, t FROM e WHERE alertid = ? ORDER BY id", [alert]
        ).fetchall()
        payouts = {r[2]: r[3] for r in rows if r[4] == 12}
        pooled = sum(r[3] for r in rows if r[4] == 1)
        later = {r[0] for r in rows if r[4] > 1}
        for txn, _src, collector, amount, stage, t in rows:
            if stage == 1:
                truth = {c: amount / pooled * paid for c, paid in payouts.items()}
                yield Start(str(collector), amount, t), later | {txn}, truth


def check(
    result: TraceResult, chain_txns: set[int], truth: dict[int, float]
) -> tuple[float, bool, float]:
    reached = {int(f.txn_id) for f in result.flows}
    recall = len(reached & chain_txns) / len(chain_txns)
    into: defaultdict[int, float] = defaultdict(float)
    for f in result.flows:
        if int(f.txn_id) in chain_txns and int(f.to_account) in truth:
            into[int(f.to_account)] += f.attributed
    errors = [abs(into.get(c, 0.0) - want) / want for c, want in truth.items()]
    return recall, set(into) == set(truth), max(errors)


def test_tracing_from_each_source_recovers_its_chain_with_the_amounts(edges):
    book = ledger(edges, "alertid > 0")  # both chains, laundering transactions only
    results = [
        check(trace(book, s, "haircut", **LIMITS), txns, truth) for s, txns, truth in chains(edges)
    ]
    assert len(results) == 50
    for recall, all_cash_outs, worst in results:
        assert recall >= 0.95
        assert all_cash_outs
        assert worst <= 0.01


def test_ordinary_payments_of_the_chain_accounts_do_not_hide_the_chain(edges):
    book = ledger(edges, "true")
    results = [
        check(trace(book, s, "haircut", **LIMITS), txns, truth) for s, txns, truth in chains(edges)
    ]
    assert min(recall for recall, _, _ in results) >= 0.95
    assert all(found for _, found, _ in results)


def test_amount_matching_gets_the_amounts_right_on_the_whole_file(edges):
    book = ledger(edges, "true")  # laundering and ordinary payments
    results = [
        check(trace(book, s, "match", match=MATCH, **LIMITS), txns, truth)
        for s, txns, truth in chains(edges)
    ]
    assert len(results) == 50
    for recall, all_cash_outs, worst in results:
        assert recall >= 0.95
        assert all_cash_outs
        assert worst <= 0.01


def test_fifo_follows_the_pooled_money_to_part_of_the_chain(edges):
    # FIFO spends money in arrival order, so a source's money misses some layering paths
    # (bench/trace.py --amlsim: 90% of the chain is reached).
    book = ledger(edges, "alertid > 0")
    start, chain_txns, _truth = next(chains(edges))
    result = trace(book, start, "fifo", **LIMITS)
    total = sum(h.amount for h in result.holdings) + result.beyond_limits
    assert total == pytest.approx(start.amount)
    assert 0 < len({int(f.txn_id) for f in result.flows} & chain_txns) < len(chain_txns)
