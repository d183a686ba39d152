"""Rules and events for the warning tests, each small enough to check by hand."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from shouwang.antifraud.tests.factories import PHONE_1, PHONE_2
from shouwang.antifraud.warning.actions import (
    do_activate_version,
    do_backtest_version,
    do_import_scores,
    do_ingest_events,
    do_save_rule_version,
)
from shouwang.antifraud.warning.events import parse_events
from shouwang.antifraud.warning.models import RuleVersion
from shouwang.common.testing import Cast

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")
SCAMMER = PHONE_2  # scored high by the model in these tests

BURST_RULE: dict[str, Any] = {
    "name": "短时间呼叫多个号码",
    "risk": "high",
    "when": {"field": "type", "op": "eq", "value": "call"},
    "window": {
        "key": "src",
        "measure": "distinct",
        "field": "dst",
        "minutes": 10,
        "op": "gt",
        "value": 2,
    },
    "flag": {"party": "src", "role": "block"},
    "cooldown_minutes": 60,
}
VICTIM_RULE: dict[str, Any] = {
    "name": "接到模型高分号码来电",
    "risk": "high",
    "when": {
        "all": [
            {"field": "type", "op": "eq", "value": "call"},
            {"score_of": "src", "op": "ge", "value": 0.9},
        ]
    },
    "flag": {"party": "dst", "role": "victim"},
}


def at(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def call(src: str, dst: str, minutes: float, **extra: Any) -> dict[str, Any]:
    return {"type": "call", "time": at(minutes), "src": src, "dst": dst, **extra}


# By hand: PHONE_1 reaches 3 distinct callees at minute 2 (fires); its 4th at minute 3 is in the
# cooldown. 13700000009 calls 2 numbers, then a 3rd after the window: never 3 at once. PHONE_2
# reaches 3 distinct at minute 22 (fires). So: 2 warnings on 2 subjects.
BURST_EVENTS = [
    call(PHONE_1, "13900000001", 0),
    call("13700000009", "13900000011", 0.5),
    call(PHONE_1, "13900000002", 1),
    call("13700000009", "13900000012", 1.5),
    call(PHONE_1, "13900000003", 2),
    call(PHONE_1, "13900000004", 3),
    call("13700000009", "13900000013", 15),
    call(PHONE_2, "13900000021", 20),
    call(PHONE_2, "13900000021", 20.5),
    call(PHONE_2, "13900000022", 21),
    call(PHONE_2, "13900000023", 22),
]


def switched_on(cast: Cast, rule_id: str, data: dict[str, Any], **kw: Any) -> RuleVersion:
    version = do_save_rule_version(data, rule_id=rule_id, actor=cast.ivan, **kw)
    do_backtest_version(version, since=T0 - timedelta(days=1), until=T0, actor=cast.ivan)
    do_activate_version(version, actor=cast.ivan)
    return version


def ingest(cast: Cast, events: list[dict[str, Any]]) -> Any:
    return do_ingest_events(parse_events(events), source="test", actor=cast.ivan)


def score_scammer(cast: Cast) -> None:
    scores = f"phone_no_m,score,is_fraud\n{SCAMMER},0.97,1\n13700000009,0.20,0\n".encode()
    # The first reason names a column this platform has no label for (a model trained on
    # other data); the others are the model's own features.
    reasons_of_scammer = [
        {"feature": "call_dispersion", "value": 0.93, "contribution": 1.2, "calibrated": 1.1},
        {"feature": "call_dur_mean", "value": 12.5, "contribution": 0.4, "calibrated": 0.31},
        {"feature": "voc_calltype1", "value": 0.2756, "contribution": 0.3, "calibrated": 0.22},
    ]
    reasons = (json.dumps({"phone_no_m": SCAMMER, "reasons": reasons_of_scammer}) + "\n").encode()
    do_import_scores(scores, model_version="20260101-abc", reasons=reasons, actor=cast.ivan)
