"""Rules at two levels (the city's and a station's) over one batch: the history is read once,
and each level still counts only its own subtree."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shouwang.antifraud.warning.actions import (
    do_activate_version,
    do_backtest_version,
    do_ingest_events,
    do_save_rule_version,
)
from shouwang.antifraud.warning.evaluate import StoredScorer, evaluate_batch, versions_for_batch
from shouwang.antifraud.warning.events import parse_events
from shouwang.antifraud.warning.models import WarningEvent
from shouwang.antifraud.warning.tests.helpers import T0, call
from shouwang.common.testing import PASSWORD, Cast
from shouwang.orgs.actions import do_create_user
from shouwang.orgs.choices import Role
from shouwang.orgs.models import User

pytestmark = pytest.mark.django_db

CALLER = "13700000009"


def _burst(minutes: int, more_than: int) -> dict[str, Any]:
    return {
        "name": "短时间呼叫多个号码",
        "risk": "high",
        "when": {"field": "type", "op": "eq", "value": "call"},
        "window": {
            "key": "src",
            "measure": "distinct",
            "field": "dst",
            "minutes": minutes,
            "op": "gt",
            "value": more_than,
        },
        "flag": {"party": "src", "role": "block"},
    }


def _on(rule_id: str, data: dict[str, Any], actor: User) -> None:
    version = do_save_rule_version(data, rule_id=rule_id, actor=actor)
    do_backtest_version(version, since=T0 - timedelta(days=1), until=T0, actor=actor)
    do_activate_version(version, actor=actor)


def test_each_level_counts_its_own_subtree_from_one_read(cast: Cast) -> None:
    sam = do_create_user(
        username="sam",
        password=PASSWORD,
        role=Role.FRAUD_ANALYST,
        display_name="Sam",
        unit=cast.station_a,
        actor=None,
    )
    _on("city-burst", _burst(60, 3), cast.ivan)  # 4 callees across the city
    _on("station-burst", _burst(45, 2), sam)  # 3 callees in station A alone
    # Station B's feed: two of the caller's callees, inside both rules' windows.
    do_ingest_events(
        parse_events([call(CALLER, "13900000001", 0), call(CALLER, "13900000002", 1)]),
        source="test",
        actor=cast.charlie,
    )
    batch_input = [call(CALLER, "13900000003", 30), call(CALLER, "13900000004", 31)]
    result = do_ingest_events(parse_events(batch_input), source="test", actor=cast.alice)
    assert [p.rule_version.rule.rule_id for p in result.proposals] == ["city-burst"]
    # The same batch again, counting the reads of stored events.
    batch = list(WarningEvent.objects.filter(batch=result.events[0].batch))
    versions = versions_for_batch(cast.station_a)
    assert {v.rule.unit for v in versions} == {cast.city, cast.station_a}
    with CaptureQueriesContext(connection) as queries:
        raised = evaluate_batch(versions, batch, StoredScorer())
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "fraud_warning_warningevent"' in q["sql"] and "ORDER BY" in q["sql"]
    ]
    assert len(reads) == 1
    # The station's rule did not count station B's two callees (2 is not more than 2).
    assert {r.hit.rule_id for r in raised} == {"city-burst"}
