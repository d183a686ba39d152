"""A report's transactions out of the database as the engine's transactions table (Arrow).

Times go to the engine as naive local wall-clock times, the way statements write them and the
way a transfer's time is shown; the engine compares times only with each other.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from django.utils import timezone

from shouwang.antifraud.models import FraudReport
from shouwang.antifraud.tracing.models import Transaction
from shouwang.engines.tracing.model import TRANSACTIONS_SCHEMA

_COLUMNS = tuple(TRANSACTIONS_SCHEMA.names)


def local_naive(when: datetime) -> datetime:
    return timezone.localtime(when).replace(tzinfo=None)


def report_transactions(report: FraudReport) -> pa.Table:
    """Every transaction of the report, once.

    A transfer between two accounts whose statements were both imported appears in each (a
    debit in one, a credit in the other); the same payer, payee, amount and time to the second
    is taken as one transaction, or it would carry the money twice. The bank column is kept
    from whichever copy names it, and so are the balances: the payer's statement gives
    ``from_balance``, the payee's ``to_balance``.
    """
    # Tuples, not model instances: at 100,000 rows building instances costs more than the trace.
    rows = Transaction.objects.filter(report=report).order_by("time", "pk").values_list(*_COLUMNS)
    seen: dict[tuple[str, str, object, datetime], int] = {}
    out: dict[str, list[Any]] = {k: [] for k in _COLUMNS}
    for row in rows.iterator(chunk_size=10000):
        txn_id, payer, payee, amount, when, channel, bank, paid, got = row
        key = (payer, payee, amount, when)
        if key in seen:
            at = seen[key]
            # The payee's statement knows the payee's bank; the payer's may not. Each knows
            # its own account's balance.
            if bank and not out["bank"][at]:
                out["bank"][at] = bank
            if paid is not None and out["from_balance"][at] is None:
                out["from_balance"][at] = float(paid)
            if got is not None and out["to_balance"][at] is None:
                out["to_balance"][at] = float(got)
            continue
        seen[key] = len(out["txn_id"])
        out["txn_id"].append(txn_id)
        out["from_account"].append(payer)
        out["to_account"].append(payee)
        out["amount"].append(float(amount))
        out["time"].append(local_naive(when))
        out["channel"].append(channel or None)
        out["bank"].append(bank or None)
        out["from_balance"].append(float(paid) if paid is not None else None)
        out["to_balance"].append(float(got) if got is not None else None)
    return pa.table(out, schema=TRANSACTIONS_SCHEMA)


# An officer writes down a transfer's time to the minute, from the victim's memory or phone;
# the bank's statement has it to the second. A credit of the same amount this close is it.
START_TOLERANCE = timedelta(minutes=15)


def start_time(table: pa.Table, account: str, amount: float, noted: datetime) -> datetime:
    """The statement's time of the victim's payment into ``account``: the credit of ``amount``
    (to the cent) nearest to the ``noted`` time within ``START_TOLERANCE``, else ``noted``.

    The engine takes a start that matches a row exactly as that row (the hop-0 flow); a start
    a few seconds off would instead add the money a second time beside the real credit.
    """
    rows = table.filter(
        pc.and_(
            pc.equal(table["to_account"], account),
            pc.less(pc.abs(pc.subtract(table["amount"], amount)), 0.005),
        )
    )
    best: datetime | None = None
    for when in rows["time"].to_pylist():
        gap = abs(when - noted)
        if gap <= START_TOLERANCE and (best is None or gap < abs(best - noted)):
            best = when
    return best or noted
