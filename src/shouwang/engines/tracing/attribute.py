"""Attribution: how much victim money each candidate transaction carried, under one rule.

The selection (DuckDB or Spark) hands over the transactions, within the window, of every account
the money has reached so far; this module replays them in time order and attributes. It is run
again from scratch after every selection round: candidate sets are small, and a replay from
scratch keeps the result independent of the order in which accounts were discovered.

Rules, per account:
* FIFO keeps a queue of lots (amount, share of victim money, hop); an outgoing transaction
  takes the oldest lots first.
* haircut (proportional) keeps the balance and the victim money in it; every outgoing
  transaction carries the account's current share.
* poison marks the account once victim money arrives; every later outgoing transaction is
  victim money in full.

What an account held before the window is unknown. It is assumed to be just enough: an outgoing
transaction larger than what the account has received so far is topped up with money of
unknown, clean origin (the lowest balance consistent with the data). Transactions with the same
timestamp apply in ``txn_id`` order, the bank's serial number.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from shouwang.engines.tracing.model import CASH_OUT_CHANNELS, Rule

# Amounts below a millionth of a unit are rounding noise from repeated multiplication.
_EPS = 1e-6


@dataclass(frozen=True, slots=True)
class Row:
    """One candidate transaction; ``time`` in microseconds since the epoch."""

    time: int
    txn_id: Any
    frm: str
    to: str
    amount: float
    channel: str | None
    bank: str | None


# The replay order: time, then the bank's serial number (C-level, for sorting large sets).
ORDER = attrgetter("time", "txn_id")


@dataclass(frozen=True)
class Seed:
    """Victim money placed in ``account`` at ``time``; ``txn_id`` when it is a table row."""

    account: str
    amount: float
    time: int
    txn_id: Any = None


@dataclass(frozen=True, slots=True)
class Carried:
    """A candidate transaction that carried ``attributed`` victim money at ``hop``."""

    row: Row
    attributed: float
    hop: int
    cash_out: bool


@dataclass
class Attribution:
    carried: list[Carried] = field(default_factory=list)
    # account -> (amount held, hop at which the money first reached it, bank)
    held: dict[str, tuple[float, int, str | None]] = field(default_factory=dict)
    beyond_limits: float = 0.0
    # accounts outside the candidate set that received enough to be followed:
    # account -> time the victim money first reached it
    to_follow: dict[str, int] = field(default_factory=dict)


class _Account:
    """The state of one account: a FIFO queue, or balance and victim money, and the hop."""

    __slots__ = ("balance", "hop", "lots", "tainted", "victim")

    def __init__(self) -> None:
        self.lots: deque[list[float]] = deque()  # [amount left, victim share, hop]
        self.balance = 0.0
        self.victim = 0.0
        self.tainted = False
        self.hop = -1

    def credit(self, rule: Rule, amount: float, victim: float, hop: int) -> None:
        if victim > _EPS and (self.hop < 0 or hop < self.hop):
            self.hop = hop
        if rule == "fifo":
            share = min(victim / amount, 1.0) if amount > 0 else 0.0
            last = self.lots[-1] if self.lots else None
            if share == 0.0 and last is not None and last[1] == 0.0:
                last[0] += amount  # consecutive clean lots are one lot
            else:
                self.lots.append([amount, share, float(hop)])
            return
        self.balance += amount
        if rule == "haircut":
            self.victim += victim
        elif victim > 0:
            self.tainted = True

    def debit(self, rule: Rule, amount: float) -> tuple[float, int]:
        """Victim money that leaves with an outgoing ``amount``, and the hop it arrived at."""
        if rule == "fifo":
            return self._debit_fifo(amount)
        if rule == "haircut":
            balance = max(self.balance, amount)
            out = amount * self.victim / balance if balance > 0 else 0.0
            out = min(out, self.victim)
            self.victim -= out
            self.balance = balance - amount
            if self.victim < _EPS:
                self.victim = 0.0
            return out, self.hop
        self.balance = max(self.balance - amount, 0.0)
        return (amount if self.tainted else 0.0), self.hop

    def _debit_fifo(self, amount: float) -> tuple[float, int]:
        victim, hop, need = 0.0, -1, amount
        lots = self.lots
        while need > _EPS and lots:
            lot = lots[0]
            take = lot[0] if lot[0] < need else need
            if lot[1] > 0.0:
                victim += take * lot[1]
                lot_hop = int(lot[2])
                if hop < 0 or lot_hop < hop:
                    hop = lot_hop
            lot[0] -= take
            need -= take
            if lot[0] <= _EPS:
                lots.popleft()
        return victim, hop

    def holds(self, rule: Rule) -> float:
        if rule == "fifo":
            return sum(lot[0] * lot[1] for lot in self.lots)
        if rule == "haircut":
            return self.victim
        return self.balance if self.tainted else 0.0


def attribute(
    rows: list[Row],
    seeds: list[Seed],
    since: dict[str, int],
    rule: Rule,
    max_hops: int,
    min_amount: float,
) -> Attribution:
    """Replay ``rows`` (sorted by ``ORDER``) for the accounts in ``since``.

    ``since`` says from when each account's transactions were read: an account's own history
    starts there, whatever other accounts' rows bring along from earlier.
    """
    result = Attribution()
    state: dict[str, _Account] = {a: _Account() for a in since}
    outside: dict[str, tuple[float, int, int]] = {}  # account -> (victim money, hop, first time)
    bank_of: dict[str, str | None] = {}
    seed_rows = {s.txn_id: s for s in seeds if s.txn_id is not None}
    placed = sorted((s for s in seeds if s.txn_id is None), key=lambda s: s.time)
    next_placed = 0

    for row in rows:
        while next_placed < len(placed) and placed[next_placed].time <= row.time:
            seed = placed[next_placed]
            state[seed.account].credit(rule, seed.amount, seed.amount, 0)
            next_placed += 1
        sender = state.get(row.frm)
        if sender and row.time < since[row.frm] and sender.hop < 0:
            sender = None  # before its history starts, and it holds no victim money yet
        victim, hop = sender.debit(rule, row.amount) if sender else (0.0, -1)
        hop += 1
        matched = seed_rows.get(row.txn_id)
        if matched is not None and matched.account == row.to:
            # The victim's payment, as the table has it. Should its sender hold victim money
            # of another start too, the row carries what it can and the rest is placed.
            overflow = victim + matched.amount - row.amount
            if overflow > _EPS:
                state[row.to].credit(rule, overflow, overflow, 0)
            victim, hop = min(row.amount, victim + matched.amount), 0
        if victim <= _EPS:
            victim = 0.0
        receiver = state.get(row.to)
        if receiver and row.time < since[row.to] and victim <= _EPS:
            receiver = None  # victim money is always taken in; other money only in its history
        if row.bank is not None:
            bank_of[row.to] = row.bank
        if victim == 0.0:
            if receiver:
                receiver.credit(rule, row.amount, 0.0, 0)
            continue
        if hop > max_hops:
            result.beyond_limits += victim
            if receiver:
                receiver.credit(rule, row.amount, 0.0, 0)
            continue
        cash_out = (row.channel or "").lower() in CASH_OUT_CHANNELS
        result.carried.append(Carried(row, victim, hop, cash_out))
        if cash_out:
            continue
        if receiver:
            receiver.credit(rule, row.amount, victim, hop)
        else:
            got = outside.setdefault(row.to, (0.0, hop, row.time))
            outside[row.to] = (got[0] + victim, min(got[1], hop), got[2])

    for seed in placed[next_placed:]:
        state[seed.account].credit(rule, seed.amount, seed.amount, 0)
    for account, acct in state.items():
        amount = acct.holds(rule)
        if amount > _EPS:
            result.held[account] = (amount, max(acct.hop, 0), bank_of.get(account))
    for account, (amount, hop, first) in outside.items():
        result.held[account] = (amount, hop, bank_of.get(account))
        if rule == "poison" or amount >= min_amount:
            result.to_follow[account] = first
    return result
