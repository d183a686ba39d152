"""``trace``: selection rounds on a backend, attribution in Python, results as dataclasses."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, Protocol

from shouwang.engines.tracing.attribute import ORDER, Attribution, Row, Seed, attribute
from shouwang.engines.tracing.duckdb_source import DuckDBSelector, TransactionSource
from shouwang.engines.tracing.errors import ParameterError
from shouwang.engines.tracing.ledger import Ledger
from shouwang.engines.tracing.matching import MatchContext, Statements
from shouwang.engines.tracing.model import (
    RULES,
    Backend,
    CashOut,
    Flow,
    Holding,
    MatchLimits,
    Opening,
    Rule,
    Start,
    TraceResult,
    TraceStats,
)
from shouwang.engines.tracing.timeconv import from_micros, to_micros


class Selector(Protocol):
    """What a backend does: find the table row of a start, and fetch accounts' transactions."""

    def find_seed(self, account: str, amount: float, time: int) -> Row | None: ...

    def fetch(self, accounts: list[str], start: int, end: int) -> list[Row]: ...


def trace(
    transactions: TransactionSource | Ledger | Any,
    starts: Start | Iterable[Start],
    rule: Rule = "fifo",
    max_hops: int = 6,
    window: timedelta = timedelta(hours=72),
    backend: Backend = "duckdb",
    min_amount: float = 1.0,
    lookback: timedelta = timedelta(0),
    spark: Any = None,
    match: MatchLimits | None = None,
) -> TraceResult:
    """Follow victim money from ``starts`` through ``transactions``.

    ``transactions``: a Parquet or CSV path, an Arrow table, a Polars frame, a DuckDB relation
    or a ``Ledger`` (DuckDB); with ``backend="spark"`` also a Spark DataFrame (``spark`` is the
    session to use; a local one is started when it is None). ``max_hops`` bounds how far from
    a start the money is followed, ``window`` how long after the earliest start. Money that
    reaches an account in amounts below ``min_amount`` is not followed further (it counts as
    held there); poison follows every amount. ``lookback``: how long before the earliest start
    the accounts' transactions are read to know what they held when the money arrived; with
    none, an account is taken to hold nothing but what it received since (the assumption that
    follows the money furthest). ``match``: the limits of the match rule (``MatchLimits()``
    when None); the other rules ignore it.
    """
    start_list = [starts] if isinstance(starts, Start) else list(starts)
    limits = (match or MatchLimits()) if rule == "match" else None
    _check(start_list, rule, max_hops, window, min_amount, lookback)
    _check_match(limits)
    selector = _selector(transactions, backend, spark)
    return trace_with(selector, start_list, rule, max_hops, window, min_amount, lookback, limits)


class _Candidates:
    """The rows selected so far, in replay order, and from when each account's are complete."""

    def __init__(self, selector: Selector, end: int, statements: Statements | None) -> None:
        self.selector = selector
        self.end = end
        self.by_id: dict[Any, Row] = {}
        self.rows: list[Row] = []
        self.coverage: dict[str, int] = {}  # account -> every transaction from then on is here
        self.rounds = 0
        self.statements = statements  # match: every account's rows, kept up to date

    def add_seed(self, row: Row) -> None:
        self.by_id[row.txn_id] = row
        self.rows.append(row)
        if self.statements is not None:
            self.statements.add([row])

    def missing(self, wanted: dict[str, int]) -> dict[str, int]:
        return {a: t for a, t in wanted.items() if self.coverage.get(a, t + 1) > t}

    def fetch(self, wanted: dict[str, int]) -> None:
        """Every transaction, up to the end of the window, of the accounts in ``wanted`` from
        the time given on (one selection for all of them, from the earliest)."""
        missing = self.missing(wanted)
        if not missing:
            return
        start = min(missing.values())
        added = []
        for row in self.selector.fetch(sorted(missing), start, self.end):
            if row.txn_id not in self.by_id:
                self.by_id[row.txn_id] = row
                added.append(row)
        for account in missing:
            self.coverage[account] = min(self.coverage.get(account, start), start)
        self.rounds += 1
        # two sorted runs: the sort merges them in linear time
        self.rows.extend(sorted(added, key=ORDER))
        self.rows.sort(key=ORDER)
        if self.statements is not None:
            self.statements.add(added)


def trace_with(
    selector: Selector,
    start_list: list[Start],
    rule: Rule,
    max_hops: int,
    window: timedelta,
    min_amount: float,
    lookback: timedelta,
    match: MatchLimits | None = None,
) -> TraceResult:
    """``trace`` on a given selector: the benchmark runs its baselines through this.

    ``match``: the limits of the match rule, None under the other rules."""
    begin = min(to_micros(s.time) for s in start_list)
    end = begin + window // timedelta(microseconds=1)
    statements = Statements() if rule == "match" else None
    candidates = _Candidates(selector, end, statements)
    seeds = _seeds(selector, start_list, candidates)

    # An account's history is read from ``lookback`` before the money first reached it.
    span = lookback // timedelta(microseconds=1)
    since: dict[str, int] = {}
    for seed in seeds:
        since[seed.account] = min(since.get(seed.account, seed.time), seed.time) - span
    context = None
    if statements is not None:
        match = match or MatchLimits()
        context = MatchContext(match, candidates.coverage, statements)
    to_inspect: dict[str, int] = {}
    while True:
        candidates.fetch(since)
        candidates.fetch(to_inspect)
        result = attribute(candidates.rows, seeds, since, rule, max_hops, min_amount, context)
        grown = {a: t - span for a, t in result.to_follow.items() if a not in since}
        to_inspect = result.to_inspect
        if not grown and not candidates.missing(to_inspect):
            break
        since.update(grown)
    stats = TraceStats(candidates.rounds, len(candidates.by_id), len(candidates.coverage))
    return _result(start_list, rule, max_hops, window, min_amount, result, stats, match)


def _seeds(selector: Selector, start_list: list[Start], candidates: _Candidates) -> list[Seed]:
    """The starts as seeds: the victim's payment when the table holds it, else placed money."""
    seeds: list[Seed] = []
    for s in start_list:
        row = selector.find_seed(s.account, s.amount, to_micros(s.time))
        if row is not None and row.txn_id not in candidates.by_id:
            candidates.add_seed(row)
            seeds.append(Seed(s.account, s.amount, row.time, row.txn_id))
        else:
            seeds.append(Seed(s.account, s.amount, to_micros(s.time)))
    candidates.rows.sort(key=ORDER)
    return seeds


def _check(
    starts: list[Start],
    rule: str,
    max_hops: int,
    window: timedelta,
    min_amount: float,
    lookback: timedelta,
) -> None:
    if not starts:
        raise ParameterError("starts", starts)
    for s in starts:
        if not (math.isfinite(s.amount) and s.amount > 0):
            raise ParameterError("amount", s.amount)
        if not s.account:
            raise ParameterError("account", s.account)
    if rule not in RULES:
        raise ParameterError("rule", rule)
    if max_hops < 1:
        raise ParameterError("max_hops", max_hops)
    if window <= timedelta(0):
        raise ParameterError("window", window)
    if lookback < timedelta(0):
        raise ParameterError("lookback", lookback)
    if not (math.isfinite(min_amount) and min_amount >= 0):
        raise ParameterError("min_amount", min_amount)


def _check_match(limits: MatchLimits | None) -> None:
    if limits is None:
        return
    if not (math.isfinite(limits.fee) and 0 <= limits.fee < 1):
        raise ParameterError("match_fee", limits.fee)
    if limits.within <= timedelta(0):
        raise ParameterError("match_within", limits.within)
    if limits.skips < 0:
        raise ParameterError("match_skips", limits.skips)
    if limits.busy < 1:
        raise ParameterError("match_busy", limits.busy)


def _selector(transactions: Any, backend: str, spark: Any) -> Selector:
    if backend == "duckdb":
        if isinstance(transactions, Ledger):
            return transactions.selector()
        return DuckDBSelector.over(transactions)
    if backend == "spark":
        from shouwang.engines.tracing.spark_source import SparkSelector

        return SparkSelector.over(transactions, spark)
    raise ParameterError("backend", backend)


def _result(
    starts: list[Start],
    rule: Rule,
    max_hops: int,
    window: timedelta,
    min_amount: float,
    result: Attribution,
    stats: TraceStats,
    match: MatchLimits | None,
) -> TraceResult:
    flows = tuple(
        Flow(
            hop=c.hop,
            txn_id=str(c.row.txn_id),
            from_account=c.row.frm,
            to_account=c.row.to,
            time=from_micros(c.row.time),
            amount=c.row.amount,
            attributed=c.attributed,
            channel=c.row.channel,
            bank=c.row.bank,
            cash_out=c.cash_out,
        )
        for c in result.carried
    )
    holdings = tuple(
        Holding(account, bank, amount, hops)
        for account, (amount, hops, bank) in sorted(
            result.held.items(), key=lambda item: (-item[1][0], item[0])
        )
    )
    cash_outs = tuple(
        CashOut(
            f.from_account,
            f.to_account,
            f.txn_id,
            (f.channel or "").lower(),
            f.time,
            f.attributed,
            f.hop,
        )
        for f in flows
        if f.cash_out
    )
    return TraceResult(
        starts=tuple(starts),
        rule=rule,
        max_hops=max_hops,
        window=window,
        min_amount=min_amount,
        flows=flows,
        holdings=holdings,
        cash_outs=cash_outs,
        beyond_limits=result.beyond_limits,
        stats=stats,
        match=match,
        openings=tuple(
            Opening(account, amount, from_micros(time))
            for account, (amount, time) in sorted(
                result.opened.items(), key=lambda item: (item[1][1], item[0])
            )
        ),
    )
