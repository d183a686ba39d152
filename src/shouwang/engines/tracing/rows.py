"""The rows the attribution replays: candidate transactions and where victim money starts."""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import Any

# Amounts below a millionth of a unit are rounding noise from repeated multiplication.
EPS = 1e-6


@dataclass(frozen=True, slots=True)
class Row:
    """One candidate transaction; ``time`` in microseconds since the epoch; the balances are
    the payer's and the payee's after it, where a statement gives them."""

    time: int
    txn_id: Any
    frm: str
    to: str
    amount: float
    channel: str | None
    bank: str | None
    frm_balance: float | None = None
    to_balance: float | None = None


# The replay order: time, then the bank's serial number (C-level, for sorting large sets).
ORDER = attrgetter("time", "txn_id")


@dataclass(frozen=True)
class Seed:
    """Victim money placed in ``account`` at ``time``; ``txn_id`` when it is a table row."""

    account: str
    amount: float
    time: int
    txn_id: Any = None
