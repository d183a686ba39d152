"""A small bank-statement layout and statements for tests: the victim pays CARD_1 (at the
cast's bank); CARD_1 passes 20,000 to MULE_1 (same bank) and 9,000 to MULE_2 (the other
bank); MULE_1 takes 5,000 out at an ATM."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
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
# The victim's payment, to the second, as the bank recorded it.
PAID_AT = timezone.make_aware(datetime(2026, 3, 2, 10, 15, 37))


def save_mappings(cast: Cast) -> None:
    for bank in (cast.bank, cast.other_bank):
        do_save_mapping(bank, dict(MAPPING), actor=cast.ivan)


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


def as_csv(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
