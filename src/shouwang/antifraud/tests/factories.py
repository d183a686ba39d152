"""Report payloads for tests: valid by default, each part easy to break."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from shouwang.antifraud.normalise import with_luhn
from shouwang.common.testing import Cast

CARD_1 = with_luhn("622202100000000001")  # 19 digits
CARD_2 = with_luhn("621700200000000002")
PHONE_1 = "13812345678"  # 中国移动
PHONE_2 = "18612345678"  # 中国联通


def report_payload(cast: Cast, **overrides: Any) -> dict[str, Any]:
    """Two phones, two receiving accounts at two banks, two transfers."""
    now = timezone.now()
    data: dict[str, Any] = {
        "fraud_type": "investment",
        "occurred_at": (now - timedelta(hours=2)).isoformat(),
        "loss_amount": "58000.00",
        "narrative": "受害人被拉入炒股群,按“导师”指示向两个账户转账。",
        "victim_name": "王小明",
        "victim_phone": "13900001111",
        "victim_id_number": "330102199001011234",
        "indicators": [
            {"kind": "phone", "value": PHONE_1},
            {"kind": "phone", "value": PHONE_2},
        ],
        "transfers": [
            {
                "to_kind": "bank_card",
                "to_account": CARD_1,
                "to_institution": cast.bank.pk,
                "amount": "30000.00",
                "at": (now - timedelta(minutes=90)).isoformat(),
                "from_account": "6222000011112222",
                "from_institution": "某农商行",
            },
            {
                "to_kind": "bank_card",
                "to_account": CARD_2,
                "to_institution": cast.other_bank.pk,
                "amount": "28000.00",
                "at": (now - timedelta(minutes=60)).isoformat(),
            },
        ],
    }
    data.update(overrides)
    return data
