"""A small bank-statement layout and statements for tests: the victim pays CARD_1 (at the
cast's bank); CARD_1 passes 20,000 to MULE_1 (same bank) and 9,000 to MULE_2 (the other
bank); MULE_1 takes 5,000 out at an ATM. ``with_balances`` adds the balance column (余额)
that ``BALANCE_MAPPING`` reads."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shouwang.antifraud.actions import do_register_report
from shouwang.antifraud.choices import ReportChannel
from shouwang.antifraud.intake import parse_report
from shouwang.antifraud.models import FraudReport
from shouwang.antifraud.normalise import with_luhn
from shouwang.antifraud.tests.factories import CARD_1, report_payload
from shouwang.antifraud.tracing.actions import do_save_mapping
from shouwang.common.testing import Cast

MULE_1 = with_luhn("621483000000000011")
MULE_2 = with_luhn("622848000000000022")
HEADER = ["交易时间", "本方账号", "收支", "金额", "对方账号", "对方行", "摘要", "流水号"]
MAPPING: dict[str, Any] = {
    "time": "交易时间",
    "account": "本方账号",
    "direction": "收支",
    "amount": "金额",
    "counterparty": "对方账号",
    "counterparty_bank": "对方行",
    "channel": "摘要",
    "channel_values": {"ATM取款": "atm"},
    "txn_id": "流水号",
}
BALANCE_HEADER = [*HEADER, "余额"]
BALANCE_MAPPING: dict[str, Any] = {**MAPPING, "balance": "余额"}
# The victim's payment, to the second, as the bank recorded it.
PAID_AT = timezone.make_aware(datetime(2026, 3, 2, 10, 15, 37))


def save_mappings(cast: Cast, *, balance: bool = False) -> None:
    """Both banks' layout; with ``balance`` it reads the 余额 column too."""
    for bank in (cast.bank, cast.other_bank):
        do_save_mapping(bank, dict(BALANCE_MAPPING if balance else MAPPING), actor=cast.ivan)


def register_report(cast: Cast) -> FraudReport:
    """The factories' report, its first transfer (30,000 to CARD_1) at PAID_AT's minute."""
    payload = report_payload(cast)
    payload["occurred_at"] = (PAID_AT - timedelta(hours=1)).isoformat()
    payload["transfers"][0]["at"] = PAID_AT.replace(second=0).isoformat()
    payload["transfers"][1]["at"] = (PAID_AT + timedelta(minutes=30)).isoformat()
    return do_register_report(
        parse_report(payload), channel=ReportChannel.DESK, unit=None, actor=cast.alice
    )


def _t(minutes: int) -> str:
    return f"{timezone.localtime(PAID_AT) + timedelta(minutes=minutes):%Y-%m-%d %H:%M:%S}"


def card_1_rows() -> list[list[str]]:
    return [
        [_t(0), CARD_1, "收", "30000.00", "6222000011112222", "某农商行", "转账", "A001"],
        [_t(10), CARD_1, "支", "20000.00", MULE_1, "测试银行", "转账", "A002"],
        [_t(20), CARD_1, "支", "9000.00", MULE_2, "另一银行", "转账", "A003"],
    ]


def mule_1_rows() -> list[list[str]]:
    return [
        [_t(10), MULE_1, "收", "20000.00", CARD_1, "测试银行", "转账", "B001"],
        [_t(60), MULE_1, "支", "5000.00", "", "", "ATM取款", "B002"],
    ]


def with_balances(rows: list[list[str]], opening: str) -> list[list[str]]:
    """The rows with the account's balance after each (the 余额 column), from ``opening``."""
    balance = Decimal(opening)
    out = []
    for row in rows:
        balance += Decimal(row[3]) if row[2] == "收" else -Decimal(row[3])
        out.append([*row, f"{balance:.2f}"])
    return out


def card_1_with_gaps() -> list[list[str]]:
    """CARD_1's statement with balances from 5,000.00 and two rows missing: a credit of 1,000
    between spreadsheet rows 2 and 3 and a debit of 500 between rows 3 and 4 (``GAPS``)."""
    full = card_1_rows()
    full.insert(1, [_t(5), CARD_1, "收", "1000.00", "6222000033334444", "某农商行", "转账", "A011"])
    full.insert(3, [_t(15), CARD_1, "支", "500.00", MULE_2, "另一银行", "转账", "A012"])
    rows = with_balances(full, "5000.00")
    return [rows[0], rows[2], rows[4]]


GAPS = [
    {"account": CARD_1, "rows": [2, 3], "amount": 1000.0},
    {"account": CARD_1, "rows": [3, 4], "amount": -500.0},
]


def as_csv(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
