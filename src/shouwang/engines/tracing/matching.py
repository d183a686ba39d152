"""The ``match`` rule during one replay: episodes at the accounts victim money reaches, the
pools that carry it from an episode's payments in to its payments out, FIFO for the rest.

When a payment brings victim money into an account (at least ``min_amount`` of it), the
account's statement is searched for the episode around that payment (``episodes``). Its payments
in fund its payments out in proportion: the victim money of the payments in goes into the
episode's pool, and each payment out carries the pool's share of its amount. What the account
keeps (the fee: what came in and did not go out), the payments in that belong to no episode and
the payments out that belong to none follow FIFO.

Which counterparty passes a payment on is read from the counterparty's own statement. When that
statement is not fetched yet (or not far enough back), the payment counts as not passed on and
the account is named in ``MatchBook.to_inspect``: the engine fetches it and replays again.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from shouwang.engines.tracing.balances import Balance
from shouwang.engines.tracing.episodes import Episode, best_episode, busy, passes_through
from shouwang.engines.tracing.model import MatchLimits
from shouwang.engines.tracing.rows import EPS, ORDER, Row

_MICROSECOND = timedelta(microseconds=1)


class Statements:
    """Every account's candidate payments, in replay order. The trace adds each round's new
    rows (``add``) instead of regrouping all of them for every replay, and an account's rows
    are put in order when they are first read after a change: most accounts in the candidate
    rows are counterparties whose statements are never read."""

    def __init__(self) -> None:
        self._rows: dict[str, list[Row]] = {}
        self._times: dict[str, list[int]] = {}
        self._unsorted: set[str] = set()

    def add(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self._rows.setdefault(row.frm, []).append(row)
            self._unsorted.add(row.frm)
            if row.to != row.frm:
                self._rows.setdefault(row.to, []).append(row)
                self._unsorted.add(row.to)

    def _sorted(self, account: str) -> tuple[list[Row], list[int]]:
        rows = self._rows.get(account, [])
        if account in self._unsorted:
            rows.sort(key=ORDER)  # sorted runs: merged in linear time
            self._times[account] = [r.time for r in rows]
            self._unsorted.discard(account)
        return rows, self._times.get(account, [])

    def window(self, account: str, low: int, high: int) -> list[Row]:
        """The account's payments with ``low <= time <= high``."""
        rows, times = self._sorted(account)
        return rows[bisect_left(times, low) : bisect_right(times, high)]

    def around(self, account: str, row: Row, low: int, high: int) -> tuple[list[Row], int]:
        """``window(account, low, high)`` and the position of ``row`` in it, found by its time
        (a busy account's window holds tens of thousands of rows: no scan from the start)."""
        rows, times = self._sorted(account)
        first = bisect_left(times, low)
        position = bisect_left(times, row.time)
        while rows[position] is not row:
            position += 1
        return rows[first : bisect_right(times, high)], position - first


@dataclass
class MatchContext:
    """What a trace keeps between replays: limits, how far back each account's payments are
    all fetched (``coverage``), every account's fetched payments (``statements``, kept up to
    date by the trace), and which counterparties pass which payments on."""

    limits: MatchLimits
    coverage: dict[str, int] = field(default_factory=dict)
    statements: Statements = field(default_factory=Statements)
    passing: dict[tuple[str, Any], bool] = field(default_factory=dict)
    # searches already made: (account, anchor, the window's payments, passing) -> episode
    episodes: dict[tuple[Any, ...], Episode | None] = field(default_factory=dict)


class MatchBook:
    """Finds episodes for one replay; remembers the payments they took and what to fetch."""

    def __init__(self, since: dict[str, int], context: MatchContext, min_amount: float) -> None:
        self.statements = context.statements
        self.since = since
        self.context = context
        self.within = context.limits.within // _MICROSECOND
        self.min_amount = max(min_amount, EPS)
        self.taken: dict[str, set[Any]] = {}
        self.to_inspect: dict[str, int] = {}

    def episode(self, account: str, anchor: Row) -> Episode | None:
        """The preferred episode of ``account`` around ``anchor`` among payments not taken yet.

        The account's statement is read from its history on (``since``): what it did before is
        not known to the trace."""
        taken = self.taken.setdefault(account, set())
        low = max(self.since[account], anchor.time - self.within)
        window = [
            r
            for r in self.statements.window(account, low, anchor.time + self.within)
            if r.txn_id not in taken
        ]
        position = next((i for i, r in enumerate(window) if r is anchor), None)
        if position is None:  # money placed without a payment: a payment in of its own
            position = bisect_left([r.time for r in window], anchor.time)
            window.insert(position, anchor)
        if busy(window, account, self.context.limits.busy):
            return None  # followed FIFO; its counterparties need not be read
        # The anchor is in every episode that can be found, so whether its sender passed it on
        # changes no preference: its sender (often the victim) need not be read.
        passing = [r is not anchor and self.passes_on(account, r) for r in window]
        key = (account, anchor.txn_id, tuple(r.txn_id for r in window), tuple(passing))
        if key in self.context.episodes:
            found = self.context.episodes[key]
        else:
            found = best_episode(window, account, position, self.context.limits, passing)
            self.context.episodes[key] = found
        if found is not None:
            taken.update(found.inflows, found.outflows)
        return found

    def passes_on(self, account: str, row: Row) -> bool:
        """Whether the counterparty of ``row`` passes it on (a payment in from it that it had
        just received, or a payment out to it that it pays on)."""
        counterparty = row.to if row.frm == account else row.frm
        if counterparty == account or not self.context.limits.counterparties:
            return False
        key = (counterparty, row.txn_id)
        known = self.context.passing.get(key)
        if known is not None:
            return known
        low = row.time - self.within
        if self.context.coverage.get(counterparty, low + 1) > low:
            wanted = self.to_inspect.get(counterparty, low)
            self.to_inspect[counterparty] = min(wanted, low)
            return False
        window, position = self.statements.around(counterparty, row, low, row.time + self.within)
        found = passes_through(window, counterparty, position, self.context.limits)
        self.context.passing[key] = found
        return found


class _Pool:
    """Victim money of one episode between its payments in and its payments out.

    Each payment out carries the pool's share of its amount against what came in (or went out,
    when rounding sent a little more out), so what the account keeps (the fee) stays in the
    pool until the last payment out, then joins the account's FIFO queue."""

    __slots__ = ("hop", "left", "payments", "victim")

    def __init__(self, episode: Episode) -> None:
        self.left = max(episode.received, episode.sent)
        self.payments = len(episode.outflows)
        self.victim = 0.0
        self.hop = -1

    def take_in(self, victim: float, hop: int) -> None:
        if victim > 0.0:
            self.victim += victim
            self.hop = hop if self.hop < 0 else min(self.hop, hop)

    def pay(self, amount: float) -> tuple[float, int]:
        everything = self.left - amount <= EPS
        out = self.victim if everything else self.victim * amount / self.left
        self.left -= amount
        self.victim -= out
        self.payments -= 1
        return out, self.hop


class MatchAccount:
    """One account under ``match``: its episodes' pools, and FIFO for what they leave."""

    __slots__ = ("account", "book", "fifo", "hop", "pools")

    def __init__(self, account: str, book: MatchBook) -> None:
        self.account = account
        self.book = book
        self.fifo = Balance("fifo")
        self.pools: dict[Any, _Pool] = {}
        self.hop = -1

    def credit(self, amount: float, victim: float, hop: int, row: Row | None = None) -> None:
        if victim > EPS and (self.hop < 0 or hop < self.hop):
            self.hop = hop
        pool = self.pools.get(row.txn_id) if row is not None else None
        if pool is None and row is not None and victim >= self.book.min_amount:
            pool = self._open(row)
        if pool is None:
            self.fifo.credit(amount, victim, hop)
            return
        pool.take_in(victim, hop)

    def debit(self, amount: float, row: Row | None = None) -> tuple[float, int]:
        pool = self.pools.get(row.txn_id) if row is not None else None
        if pool is None:
            return self.fifo.debit(amount)
        out, hop = pool.pay(amount)
        if pool.payments == 0 and pool.victim > EPS:  # the fee: the account's money now
            self.fifo.credit(max(pool.left, pool.victim), pool.victim, pool.hop)
            pool.victim = 0.0
        return out, hop

    def holds(self) -> float:
        return self.fifo.holds() + sum(p.victim for p in self._open_pools())

    def total(self) -> float:
        # An episode's money is in the pool until its last payment out (then the rest is FIFO's).
        return self.fifo.total() + sum(p.left for p in self._open_pools() if p.payments > 0)

    def _open_pools(self) -> Iterable[_Pool]:
        return {id(p): p for p in self.pools.values()}.values()

    def _open(self, anchor: Row) -> _Pool | None:
        episode = self.book.episode(self.account, anchor)
        if episode is None:
            return None
        pool = _Pool(episode)
        for txn_id in episode.inflows | episode.outflows:
            self.pools[txn_id] = pool
        return pool
