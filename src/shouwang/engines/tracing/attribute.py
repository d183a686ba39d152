"""Attribution: how much victim money each candidate transaction carried, under one rule.

The selection (DuckDB or Spark) hands over the transactions, within the window, of every account
the money has reached so far; this module replays them in time order and attributes. It is run
again from scratch after every selection round: candidate sets are small, and a replay from
scratch keeps the result independent of the order in which accounts were discovered.

Per account, FIFO, haircut and poison keep a balance (``balances``); match pairs payments in
with payments out by amount and falls back to FIFO (``matching``).

What an account held before the window is read from its statement's balance (余额) where the
table has one: at the first row of the account's history that gives its balance, the account is
credited the clean money the balance shows beyond what the replay has it hold. Without a
balance it is assumed to be just enough: an outgoing transaction larger than what the account
has received so far is topped up with money of unknown, clean origin (the lowest balance
consistent with the data). Transactions with the same timestamp apply in ``txn_id`` order, the
bank's serial number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shouwang.engines.tracing.balances import Balance
from shouwang.engines.tracing.matching import MatchAccount, MatchBook, MatchContext
from shouwang.engines.tracing.model import CASH_OUT_CHANNELS, Rule
from shouwang.engines.tracing.rows import EPS, ORDER, Row, Seed

__all__ = ["ORDER", "Attribution", "Carried", "Row", "Seed", "attribute"]


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
    # match only: counterparties whose statements are needed from this time on
    to_inspect: dict[str, int] = field(default_factory=dict)
    # account -> (clean money its statement balance showed beyond the rows, time of that row)
    opened: dict[str, tuple[float, int]] = field(default_factory=dict)


type Account = Balance | MatchAccount


def _accounts(
    since: dict[str, int], rule: Rule, min_amount: float, match: MatchContext | None
) -> tuple[dict[str, Account], MatchBook | None]:
    if rule != "match":
        return {a: Balance(rule) for a in since}, None
    if match is None:
        raise ValueError("the match rule replays with its MatchContext")
    book = MatchBook(since, match, min_amount)
    return {a: MatchAccount(a, book) for a in since}, book


def attribute(
    rows: list[Row],
    seeds: list[Seed],
    since: dict[str, int],
    rule: Rule,
    max_hops: int,
    min_amount: float,
    match: MatchContext | None = None,
) -> Attribution:
    """Replay ``rows`` (sorted by ``ORDER``) for the accounts in ``since``.

    ``since`` says from when each account's transactions were read: an account's own history
    starts there, whatever other accounts' rows bring along from earlier. ``match`` (required
    under the match rule): what it keeps between replays (its limits, the fetched statements,
    which are fetched how far back).
    """
    result = Attribution()
    state, book = _accounts(since, rule, min_amount, match)
    outside: dict[str, tuple[float, int, int]] = {}  # account -> (victim money, hop, first time)
    bank_of: dict[str, str | None] = {}
    seed_rows = {s.txn_id: s for s in seeds if s.txn_id is not None}
    placed = sorted((s for s in seeds if s.txn_id is None), key=lambda s: s.time)
    next_placed = 0
    opened: set[str] = set()  # accounts whose balance a statement has given
    unseen = result.opened

    for row in rows:
        while next_placed < len(placed) and placed[next_placed].time <= row.time:
            _place(state, placed[next_placed], next_placed)
            next_placed += 1
        sender = state.get(row.frm)
        if sender and row.time < since[row.frm] and sender.hop < 0:
            sender = None  # before its history starts, and it holds no victim money yet
        if sender and row.frm_balance is not None and row.frm not in opened:
            opened.add(row.frm)
            _open(sender, row.frm, row.frm_balance + row.amount, row.time, unseen)
        victim, hop = sender.debit(row.amount, row) if sender else (0.0, -1)
        hop += 1
        matched = seed_rows.get(row.txn_id)
        if matched is not None and matched.account == row.to:
            # The victim's payment, as the table has it. Should its sender hold victim money
            # of another start too, the row carries what it can and the rest is placed.
            overflow = victim + matched.amount - row.amount
            if overflow > EPS:
                state[row.to].credit(overflow, overflow, 0)
            victim, hop = min(row.amount, victim + matched.amount), 0
        if victim <= EPS:
            victim = 0.0
        receiver = state.get(row.to)
        if receiver and row.time < since[row.to] and victim <= EPS:
            receiver = None  # victim money is always taken in; other money only in its history
        if receiver and row.to_balance is not None and row.to not in opened:
            opened.add(row.to)
            _open(receiver, row.to, row.to_balance - row.amount, row.time, unseen)
        if row.bank is not None:
            bank_of[row.to] = row.bank
        if victim == 0.0:
            if receiver:
                receiver.credit(row.amount, 0.0, 0, row)
            continue
        if hop > max_hops:
            result.beyond_limits += victim
            if receiver:
                receiver.credit(row.amount, 0.0, 0, row)
            continue
        cash_out = (row.channel or "").lower() in CASH_OUT_CHANNELS
        result.carried.append(Carried(row, victim, hop, cash_out))
        if cash_out:
            continue
        if receiver:
            receiver.credit(row.amount, victim, hop, row)
        else:
            got = outside.setdefault(row.to, (0.0, hop, row.time))
            outside[row.to] = (got[0] + victim, min(got[1], hop), got[2])

    for i in range(next_placed, len(placed)):
        _place(state, placed[i], i)
    for account, acct in state.items():
        amount = acct.holds()
        if amount > EPS:
            result.held[account] = (amount, max(acct.hop, 0), bank_of.get(account))
    for account, (amount, hop, first) in outside.items():
        result.held[account] = (amount, hop, bank_of.get(account))
        if rule == "poison" or amount >= min_amount:
            result.to_follow[account] = first
    if book is not None:
        result.to_inspect = book.to_inspect
    return result


def _open(
    account: Account, name: str, before: float, time: int, unseen: dict[str, tuple[float, int]]
) -> None:
    """The statement says the account held ``before`` just before its row at ``time``: what
    the replay cannot account for is clean money of unknown origin, there before the row."""
    amount = before - account.total()
    if amount > EPS:
        account.credit(amount, 0.0, 0)
        unseen[name] = (amount, time)


def _place(state: dict[str, Account], seed: Seed, number: int) -> None:
    """Victim money that arrives without a table row: under match a payment in of its own
    (``number`` keeps two starts of the same account and time apart)."""
    payment = Row(seed.time, ("placed", seed.account, seed.time, number), "", seed.account,
                  seed.amount, None, None)  # fmt: skip
    state[seed.account].credit(seed.amount, seed.amount, 0, payment)
