"""The tracing engine's vocabulary: what a trace starts from and what it returns.

Everything here is plain, frozen and JSON-serialisable (``TraceResult.to_dict``) so that the
platform can save a trace with its parameters and show it again without running it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import pyarrow as pa  # type: ignore[import-untyped]

Rule = Literal["fifo", "haircut", "poison", "match", "lowest"]
RULES: tuple[Rule, ...] = ("fifo", "haircut", "poison", "match", "lowest")

Backend = Literal["duckdb", "spark"]

# Channel values (lower case) at which the money leaves the banking system: the trace records
# the cash-out and does not follow it further. Any other value, or no channel, is a transfer.
CASH_OUT_CHANNELS: frozenset[str] = frozenset({"atm", "merchant", "crypto"})

# The transactions table: these columns, by these names. ``channel`` and ``bank`` may be
# absent (treated as unknown). ``bank`` is the bank that holds ``to_account``: the bank a
# freeze request for the receiving account goes to.
REQUIRED_COLUMNS: tuple[str, ...] = ("txn_id", "from_account", "to_account", "amount", "time")
OPTIONAL_COLUMNS: tuple[str, ...] = ("channel", "bank")
# Numbers, may be absent too: the payer's and the payee's balance after the transaction, as
# their own statements give them (余额). The first one the trace meets for an account says
# what the account held before the victim money arrived.
BALANCE_COLUMNS: tuple[str, ...] = ("from_balance", "to_balance")

# The table with every column, as ``read_statement`` and the platform build it.
TRANSACTIONS_SCHEMA = pa.schema(
    [
        ("txn_id", pa.string()),
        ("from_account", pa.string()),
        ("to_account", pa.string()),
        ("amount", pa.float64()),
        ("time", pa.timestamp("us")),
        ("channel", pa.string()),
        ("bank", pa.string()),
        ("from_balance", pa.float64()),
        ("to_balance", pa.float64()),
    ]
)


@dataclass(frozen=True)
class MatchLimits:
    """How the ``match`` rule (金额匹配) pairs money in with money out of an account.

    An account that receives payments and soon pays about the same total out passes that money
    through: at most ``fee`` (a fraction) less, at most a cent per payment more (rounding),
    everything within ``within`` of the first payment in. ``skips`` other payments of the
    account may fall between them (its ordinary business); an account with more than ``busy``
    payments in one direction in that time is not matched (FIFO): too many combinations to
    tell one apart. With ``counterparties`` the trace also reads the statements of the
    accounts' counterparties, to prefer payments that are passed on (layering) over ordinary
    ones that happen to add up as well; without, amounts alone decide.
    """

    fee: float = 0.03
    within: timedelta = timedelta(hours=72)
    skips: int = 2
    busy: int = 32
    counterparties: bool = True


@dataclass(frozen=True)
class Start:
    """Victim money that is in ``account`` from ``time`` on: usually the account the victim paid
    into, with the amount and time of the payment.

    When the transactions table holds that payment (a credit into ``account`` at ``time`` of
    ``amount``, to the cent), it is the seed itself and appears as the hop-0 flow; otherwise the
    money is placed in the account at ``time``.
    """

    account: str
    amount: float
    time: datetime


@dataclass(frozen=True)
class Flow:
    """One transaction that carried victim money: ``attributed`` of its ``amount``."""

    hop: int
    txn_id: str
    from_account: str
    to_account: str
    time: datetime
    amount: float
    attributed: float
    channel: str | None
    bank: str | None
    cash_out: bool


@dataclass(frozen=True)
class Holding:
    """An account that still holds victim money at the end of the trace (a freeze candidate)."""

    account: str
    bank: str | None
    amount: float
    hops: int


@dataclass(frozen=True)
class CashOut:
    """Victim money that left through a cash-out channel (ATM, merchant, crypto exchange)."""

    account: str
    counterparty: str
    txn_id: str
    channel: str
    time: datetime
    amount: float
    hops: int


@dataclass(frozen=True)
class Opening:
    """Money an account held before the trace reached it, read from its statement's balance:
    ``amount`` more than the rows account for, there just before the row at ``time``."""

    account: str
    amount: float
    time: datetime


@dataclass(frozen=True)
class TraceStats:
    """How the trace ran: rounds of candidate selection and how many rows they returned."""

    rounds: int
    candidate_rows: int
    accounts_fetched: int


@dataclass(frozen=True)
class TraceResult:
    """Flows, the freeze list (``holdings``, largest first) and cash-outs of one trace.

    Under FIFO, haircut, match and lowest the victim money is conserved: the starts' total
    equals held plus cashed out plus ``beyond_limits`` (money that left accounts at the hop
    limit, not followed).
    Under poison every amount is the whole transaction, so nothing is conserved.
    """

    starts: tuple[Start, ...]
    rule: Rule
    max_hops: int
    window: timedelta
    min_amount: float
    flows: tuple[Flow, ...]
    holdings: tuple[Holding, ...]
    cash_outs: tuple[CashOut, ...]
    beyond_limits: float
    stats: TraceStats = field(compare=False)
    match: MatchLimits | None = None  # the limits of the ``match`` rule, None under the others
    # Accounts whose statement balance showed money the rows do not, in time order.
    openings: tuple[Opening, ...] = ()

    def accounts(self) -> set[str]:
        """Every account the victim money reached, the start accounts included."""
        reached = {s.account for s in self.starts}
        reached.update(f.to_account for f in self.flows if not f.cash_out)
        return reached

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: times as ISO 8601, the window in seconds."""
        data = asdict(self)
        data["window"] = self.window.total_seconds()
        if self.match is not None:
            data["match"]["within"] = self.match.within.total_seconds()
        for item in [*data["starts"], *data["flows"], *data["cash_outs"], *data["openings"]]:
            item["time"] = item["time"].isoformat()
        return data
