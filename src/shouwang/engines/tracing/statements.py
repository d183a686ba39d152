"""Bank statements (银行流水, CSV or Excel .xlsx) into rows of the transactions table.

Every bank lays its statement out differently; a ``ColumnMapping`` says where each field is,
and the platform saves one per bank (``to_dict`` / ``from_dict``). Reading is all-or-nothing:
every problem is collected with its row (the spreadsheet row number, header included, blank
lines counted) and column, and ``StatementErrors`` is raised with all of them; nothing is
returned.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]

from shouwang.engines.sheets import csv_rows, sheet_rows
from shouwang.engines.tracing.errors import TracingError
from shouwang.engines.tracing.model import CASH_OUT_CHANNELS, TRANSACTIONS_SCHEMA

# Stop collecting after this many problems: a wrong mapping fails every row the same way.
MAX_ERRORS = 100


@dataclass(frozen=True)
class ColumnMapping:
    """Where the fields of one bank's statement are. Column values are header texts.

    The statement belongs to one account: ``account`` names its column, or ``account_number``
    gives it when only the file's title says it. Direction comes from the ``direction`` column
    (``debit_values`` / ``credit_values``) or, without one, from the sign of the amount
    (negative is money out when ``negative_is_debit``). ``channel_values`` maps the bank's
    wording (e.g. ``ATM取款``) to the engine's channels (``atm``, ``merchant``, ``crypto``).
    Some banks put money out and money in in two columns (借方发生额 / 贷方发生额, 支出 / 收入):
    then ``amount`` names the money-out column and ``credit_amount`` the money-in one, and a row
    has a value in one of them (the direction column and the sign are not read).
    ``balance`` names the column of the account's balance after each row (余额), when the bank
    gives one: it tells the trace what the account held before the victim's money arrived,
    and ``balance_breaks`` where rows are missing.
    """

    bank: str
    time: str
    amount: str
    counterparty: str
    account: str | None = None
    account_number: str | None = None
    direction: str | None = None
    debit_values: tuple[str, ...] = ("借", "支出", "支", "出", "D", "DR", "debit", "out")
    credit_values: tuple[str, ...] = ("贷", "收入", "收", "入", "C", "CR", "credit", "in")
    negative_is_debit: bool = True
    date_format: str = "%Y-%m-%d %H:%M:%S"
    txn_id: str | None = None
    channel: str | None = None
    channel_values: dict[str, str] = field(default_factory=dict)
    counterparty_bank: str | None = None
    balance: str | None = None
    credit_amount: str | None = None
    header_row: int = 1

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["debit_values"] = list(self.debit_values)
        data["credit_values"] = list(self.credit_values)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnMapping:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise MappingError(unknown[0])
        values = dict(data)
        for key in ("debit_values", "credit_values"):
            if key in values:
                values[key] = tuple(values[key])
        try:
            mapping = cls(**values)
        except TypeError as exc:
            raise MappingError(str(exc)) from exc
        if not mapping.account and not mapping.account_number:
            raise MappingError("account")
        return mapping


class MappingError(TracingError):
    """A saved mapping is not a valid ``ColumnMapping``: ``field`` names the offending key."""

    def __init__(self, field_name: str) -> None:
        super().__init__(f"invalid mapping field: {field_name}")
        self.field = field_name


@dataclass(frozen=True)
class StatementError:
    """One problem: ``problem`` is ``missing_column``, ``missing_value``, ``bad_time``,
    ``bad_amount``, ``bad_direction``, ``both_amounts`` (money out and money in on one row, in
    a two-column layout), ``no_rows`` or ``unreadable``."""

    row: int
    column: str | None
    problem: str
    value: str = ""


class StatementErrors(TracingError):
    def __init__(self, errors: list[StatementError]) -> None:
        first = errors[0]
        super().__init__(f"{len(errors)} problem(s), first: row {first.row} {first.problem}")
        self.errors = errors


# The engine's columns, then the spreadsheet row each transaction came from.
_SCHEMA = TRANSACTIONS_SCHEMA.append(pa.field("row", pa.int64()))


def read_statement(path: str | Path, mapping: ColumnMapping) -> pa.Table:
    """The statement's rows as a transactions table, in the file's order, or every problem.

    Besides the engine's columns: ``from_balance`` / ``to_balance``, the statement account's
    balance after the row on its side (null without a balance column), and ``row``, the
    spreadsheet row the transaction came from."""
    if not mapping.account and not mapping.account_number:
        raise MappingError("account")
    path = Path(path)
    try:
        lines = list(_xlsx_rows(path) if path.suffix.lower() == ".xlsx" else _csv_rows(path))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, csv.Error) as exc:
        raise StatementErrors([StatementError(0, None, "unreadable", str(exc))]) from exc
    header_at = mapping.header_row
    if len(lines) < header_at:
        raise StatementErrors([StatementError(header_at, None, "no_rows")])
    header = [str(h).strip() if h is not None else "" for h in lines[header_at - 1]]
    wanted = [
        mapping.time, mapping.amount, mapping.counterparty, mapping.account, mapping.direction,
        mapping.txn_id, mapping.channel, mapping.counterparty_bank, mapping.balance,
        mapping.credit_amount,
    ]  # fmt: skip
    missing = [c for c in wanted if c is not None and c not in header]
    if missing:
        raise StatementErrors([StatementError(header_at, c, "missing_column") for c in missing])
    index = {name: i for i, name in enumerate(header)}
    out: dict[str, list[Any]] = {name: [] for name in _SCHEMA.names}
    errors: list[StatementError] = []
    for number, cells in enumerate(lines[header_at:], start=header_at + 1):
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        record = _Record(number, cells, index, errors)
        _convert(record, mapping, out)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise StatementErrors(errors)
    if not out["txn_id"]:
        raise StatementErrors([StatementError(header_at + 1, None, "no_rows")])
    _number_unserialled(out)
    return pa.table(out, schema=_SCHEMA)


# Balances are given to the cent; anything closer is rounding.
_CENT = 0.005

# One row of an account's balance chain: spreadsheet row, balance after it, its amount signed
# for the account (money in positive), time.
_Link = tuple[int, float, float, datetime]


def _chains(out: dict[str, list[Any]]) -> dict[str, list[_Link]]:
    """Each account's rows that carry a balance, in the file's order."""
    chains: dict[str, list[_Link]] = {}
    for i, amount in enumerate(out["amount"]):
        if out["from_balance"][i] is not None:
            link = (out["row"][i], out["from_balance"][i], -amount, out["time"][i])
            chains.setdefault(out["from_account"][i], []).append(link)
        elif out["to_balance"][i] is not None:
            link = (out["row"][i], out["to_balance"][i], amount, out["time"][i])
            chains.setdefault(out["to_account"][i], []).append(link)
    return chains


def _newest_first(first: datetime, last: datetime, chains: list[list[_Link]]) -> bool:
    """Whether a statement lists its newest row first (banks do both).

    The first and last rows' times say so unless they are equal, as in a one-day statement
    with dates only; then the balances say which reading makes neighbouring rows agree, and
    without them the file is read oldest first."""
    if first != last:
        return last < first
    forward = backward = 0
    for chain in chains:
        for (_, upper, upper_amount, _), (_, lower, lower_amount, _) in pairwise(chain):
            forward += abs(lower - (upper + lower_amount)) <= _CENT
            backward += abs(upper - (lower + upper_amount)) <= _CENT
    return backward > forward


def _number_unserialled(out: dict[str, list[Any]]) -> None:
    """Ids for rows without a serial number: ``bank:account:YYYYmmddHHMMSS-NNN``, the row's
    time and its place among the account's rows of that second, in time order.

    The time keeps ids of two statements of one account apart (and the same row exported
    twice gets the same id); the place follows time because the trace applies rows of the
    same second in id order, and many banks list the newest row first."""
    ids, times = out["txn_id"], out["time"]
    newest_first = _newest_first(times[0], times[-1], list(_chains(out).values()))
    order = range(len(ids) - 1, -1, -1) if newest_first else range(len(ids))
    seen: dict[tuple[str, str, datetime], int] = {}
    for i in order:
        value = ids[i]
        if isinstance(value, tuple):
            key = (value[0], value[1], times[i])
            seen[key] = place = seen.get(key, 0) + 1
            ids[i] = f"{value[0]}:{value[1]}:{times[i]:%Y%m%d%H%M%S}-{place:03d}"


@dataclass
class _Record:
    number: int
    cells: list[Any]
    index: dict[str, int]
    errors: list[StatementError]

    def get(self, column: str | None) -> Any:
        if column is None:
            return None
        i = self.index[column]
        value = self.cells[i] if i < len(self.cells) else None
        if isinstance(value, str):
            value = value.strip()
        return None if value == "" else value

    def fail(self, column: str | None, problem: str, value: Any = "") -> None:
        self.errors.append(StatementError(self.number, column, problem, str(value or "")))


def _convert(record: _Record, mapping: ColumnMapping, out: dict[str, list[Any]]) -> None:
    failed = len(record.errors)
    own = record.get(mapping.account) if mapping.account else mapping.account_number
    if own is None:
        record.fail(mapping.account, "missing_value")
    when = _time(record.get(mapping.time), mapping.date_format)
    if when is None:
        record.fail(mapping.time, "bad_time", record.get(mapping.time))
    if mapping.credit_amount is None:
        amount = _amount(record.get(mapping.amount))
        if amount is None:
            record.fail(mapping.amount, "bad_amount", record.get(mapping.amount))
        debit = _is_debit(record, mapping, amount)
    else:
        amount, debit = _two_columns(record, mapping.amount, mapping.credit_amount)
    raw_channel = record.get(mapping.channel)
    channel = mapping.channel_values.get(str(raw_channel), raw_channel) if raw_channel else None
    channel = str(channel).lower() if channel is not None else None
    other = record.get(mapping.counterparty)
    if other is None and channel in CASH_OUT_CHANNELS:
        other = channel  # cash withdrawals and card payments name no account
    if other is None:
        record.fail(mapping.counterparty, "missing_value")
    raw_balance = record.get(mapping.balance)
    balance = _amount(raw_balance) if raw_balance is not None else None
    if raw_balance is not None and balance is None:
        record.fail(mapping.balance, "bad_amount", raw_balance)
    if len(record.errors) > failed or amount is None or amount == 0 or debit is None:
        return  # a zero amount moves no money: notices of interest, failed attempts
    serial = record.get(mapping.txn_id)
    # Without a serial number the id is made once every row is read (``_number_unserialled``).
    out["txn_id"].append(str(serial) if serial else (mapping.bank, str(own)))
    out["from_account"].append(str(own) if debit else str(other))
    out["to_account"].append(str(other) if debit else str(own))
    out["amount"].append(float(abs(amount)))
    out["time"].append(when)
    out["channel"].append(channel)
    other_bank = record.get(mapping.counterparty_bank)
    out["bank"].append((str(other_bank) if other_bank else None) if debit else mapping.bank)
    stated = float(balance) if balance is not None else None
    out["from_balance"].append(stated if debit else None)
    out["to_balance"].append(None if debit else stated)
    out["row"].append(record.number)


@dataclass(frozen=True)
class BalanceBreak:
    """Two neighbouring rows of ``account``'s statement whose balances differ by ``amount``
    more than the later row explains: transactions are missing between them. ``amount`` is
    positive for money in that no row shows, negative for money out. ``rows`` are the two
    spreadsheet rows, in the file's order."""

    account: str
    rows: tuple[int, int]
    amount: float


def balance_breaks(table: pa.Table) -> list[BalanceBreak]:
    """Where a statement read by ``read_statement`` is not continuous: each row's balance should
    be the previous row's plus its own amount in, less its amount out.

    Banks list rows oldest first or newest first (``_newest_first``). Rows without a balance
    are skipped; a break is counted between the rows that have one."""
    columns = ["from_account", "to_account", "amount", "time", "from_balance", "to_balance", "row"]
    breaks = []
    for account, entries in _chains(table.select(columns).to_pydict()).items():
        newest_first = _newest_first(entries[0][3], entries[-1][3], [entries])
        for upper, lower in pairwise(entries):
            # ``later`` is the row that moved the balance from the other one's.
            earlier, later = (lower, upper) if newest_first else (upper, lower)
            gap = later[1] - (earlier[1] + later[2])
            if abs(gap) > _CENT:
                breaks.append(BalanceBreak(account, (upper[0], lower[0]), round(gap, 2)))
    return sorted(breaks, key=lambda b: b.rows)


def _two_columns(record: _Record, out_column: str, in_column: str) -> tuple[Decimal | None, bool]:
    """The amount and direction of a row whose bank writes money out and money in in two
    columns: an empty cell or a zero is no money that way; a row may not have both."""
    amounts = []
    for column in (out_column, in_column):
        raw = record.get(column)
        value = _amount(raw) if raw is not None else Decimal(0)
        if value is None:
            record.fail(column, "bad_amount", raw)
        amounts.append(value)
    money_out, money_in = amounts
    if money_out is None or money_in is None:
        return None, True
    if money_out and money_in:
        record.fail(in_column, "both_amounts", f"{money_out} / {money_in}")
        return None, True
    return (money_out or money_in), bool(money_out)


def _is_debit(record: _Record, mapping: ColumnMapping, amount: Decimal | None) -> bool | None:
    if mapping.direction is None:
        return None if amount is None else (amount < 0) == mapping.negative_is_debit
    raw = record.get(mapping.direction)
    text = str(raw) if raw is not None else ""
    if text in mapping.debit_values:
        return True
    if text in mapping.credit_values:
        return False
    record.fail(mapping.direction, "bad_direction", raw)
    return None


def _time(value: Any, date_format: str) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if value is None:
        return None
    try:
        return datetime.strptime(str(value), date_format)
    except ValueError:
        return None


def _amount(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    text = str(value).replace(",", "").replace("¥", "").replace("￥", "").replace(" ", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _csv_rows(path: Path) -> Iterator[list[Any]]:
    raw = path.read_bytes()
    # Chinese banks export GB 18030 as often as UTF-8 (with or without a byte-order mark).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("neither UTF-8 nor GB 18030")
    # Row i of the list is the spreadsheet's row i + 1 (`engines.sheets`): errors and
    # ``header_row`` count blank lines, and a quoted cell with line breaks is one row.
    for _number, cells in csv_rows(text):
        yield list(cells)


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        for _number, values in sheet_rows(book.worksheets[0]):
            yield list(values)
    finally:
        book.close()
