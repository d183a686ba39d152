"""Form input of fund tracing as plain values: the trace parameters and a bank's statement
layout. Pages and the API both hand these to the actions, which validate the meaning."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouwang.antifraud.tracing.actions import MatchParameters

# The layout fields the mapping form edits, in the order it shows them. Column values are the
# header texts of the bank's statement.
COLUMN_FIELDS = ("time", "account", "direction", "amount", "credit_amount", "balance",
                 "counterparty", "counterparty_bank", "channel", "txn_id")  # fmt: skip
REQUIRED_COLUMNS = ("time", "amount", "counterparty")
COLUMN_LABELS = {
    "time": gettext_lazy("交易时间列"),
    "account": gettext_lazy("本方账号列"),
    "direction": gettext_lazy("收支方向列"),
    "amount": gettext_lazy("金额列(收支分两列时为支出列)"),
    "credit_amount": gettext_lazy("收入金额列(收支分两列时)"),
    "balance": gettext_lazy("余额列"),
    "counterparty": gettext_lazy("对方账号列"),
    "counterparty_bank": gettext_lazy("对方开户行列"),
    "channel": gettext_lazy("交易渠道/摘要列"),
    "txn_id": gettext_lazy("交易流水号列"),
}


def int_field(data: Any, name: str, default: int) -> int:
    raw = str(data.get(name) or "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValidationError({name: _("请填写整数。")}) from None


def decimal_field(data: Any, name: str, default: Decimal) -> Decimal:
    raw = str(data.get(name) or "").strip()
    if not raw:
        return default
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValidationError({name: _("请填写数字。")}) from None


def trace_parameters(data: Any) -> dict[str, Any]:
    """The trace form's parameters; the match rule's limits only under that rule."""
    rule = str(data.get("rule") or "fifo")
    found: dict[str, Any] = {
        "rule": rule,
        "max_hops": int_field(data, "max_hops", 6),
        "window_hours": int_field(data, "window_hours", 72),
    }
    if rule == "match":
        default = MatchParameters()
        found["match"] = MatchParameters(
            within_hours=int_field(data, "match_within_hours", default.within_hours),
            fee_percent=decimal_field(data, "match_fee_percent", default.fee_percent),
            skips=int_field(data, "match_skips", default.skips),
        )
    return found


def mapping_from_form(data: Any) -> dict[str, Any]:
    """The ``ColumnMapping`` dict a mapping form describes. ``channel_values`` is written one
    per line as ``银行的写法=atm``."""
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in COLUMN_FIELDS:
        value = str(data.get(name) or "").strip()
        if value:
            out[name] = value
        elif name in REQUIRED_COLUMNS:
            errors[name] = _("请填写该列的表头。")
    number = str(data.get("account_number") or "").strip()
    if number:
        out["account_number"] = number
    if "account" not in out and not number:
        errors["account"] = _("请填写本方账号列，或在下方填写账号。")
    date_format = str(data.get("date_format") or "").strip()
    if date_format:
        out["date_format"] = date_format
    out["header_row"] = int_field(data, "header_row", 1)
    out["negative_is_debit"] = str(data.get("negative_is_debit") or "") in {"on", "true", "1"}
    channel_values: dict[str, str] = {}
    for n, line in enumerate(str(data.get("channel_values") or "").splitlines(), start=1):
        if not line.strip():
            continue
        bank_text, sep, channel = line.partition("=")
        if not sep or not bank_text.strip() or not channel.strip():
            errors["channel_values"] = _("第 %(n)d 行应写成“ATM取款=atm”。") % {"n": n}
            break
        channel_values[bank_text.strip()] = channel.strip().lower()
    out["channel_values"] = channel_values
    if errors:
        raise ValidationError(errors)
    return out


def mapping_as_form(mapping: dict[str, Any]) -> dict[str, Any]:
    values = {k: mapping.get(k) or "" for k in (*COLUMN_FIELDS, "account_number", "date_format")}
    values["header_row"] = mapping.get("header_row", 1)
    values["negative_is_debit"] = mapping.get("negative_is_debit", True)
    values["channel_values"] = "\n".join(
        f"{k}={v}" for k, v in (mapping.get("channel_values") or {}).items()
    )
    return values
