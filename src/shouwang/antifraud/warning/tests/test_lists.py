"""The platform's lists in live evaluation: a batch reads only the members among its events'
values, and those must be exactly the members the whole lists would give it."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from shouwang.antifraud.models import Indicator
from shouwang.antifraud.warning.evaluate import (
    LIST_BLOCKLIST,
    LIST_FLAGGED,
    platform_lists,
)
from shouwang.antifraud.warning.tests.helpers import (
    SCAMMER,
    call,
    ingest,
    score_scammer,
    switched_on,
)
from shouwang.common.testing import Cast

pytestmark = pytest.mark.django_db

BLOCKED = "13700000001"  # confirmed, stored as E.164
SUSPECTED = "13700000002"  # named in reports, not confirmed
BLOCKED_SITE = "evil-pay.com.cn"


def _indicators() -> None:
    now = timezone.now()
    rows = [
        ("phone", "+86" + BLOCKED, now),
        ("phone", "+86" + SUSPECTED, None),
        ("domain", BLOCKED_SITE, now - timedelta(days=3)),
    ]
    for kind, value, confirmed in rows:
        Indicator.objects.create(
            kind=kind, value=value, first_seen=now, last_seen=now, confirmed_at=confirmed
        )


def _rule(list_name: str, field: str = "src") -> dict[str, Any]:
    return {
        "name": "名单内号码来电",
        "risk": "high",
        "when": {
            "all": [
                {"field": "type", "op": "eq", "value": "call"},
                {"field": field, "op": "in_list", "value": list_name},
            ]
        },
        "flag": {"party": "dst", "role": "victim"},
    }


def test_a_batch_finds_the_blocklist_in_either_spelling_and_only_confirmed(cast: Cast) -> None:
    _indicators()
    switched_on(cast, "blocked-caller", _rule(LIST_BLOCKLIST))
    result = ingest(
        cast,
        [
            call(BLOCKED, "13900000001", 0),  # as carriers write it
            call("+86" + BLOCKED, "13900000002", 1),  # as stored
            call(SUSPECTED, "13900000003", 2),  # not confirmed
            call("13700000009", "13900000004", 3),  # unknown
        ],
    )
    assert sorted(t.person_phone for t in result.tasks) == ["13900000001", "13900000002"]


def test_a_batch_finds_the_model_flagged_numbers(cast: Cast) -> None:
    score_scammer(cast)  # SCAMMER flagged, 13700000009 scored low
    switched_on(cast, "flagged-caller", _rule(LIST_FLAGGED))
    result = ingest(cast, [call(SCAMMER, "13900000001", 0), call("13700000009", "13900000002", 1)])
    assert [t.person_phone for t in result.tasks] == ["13900000001"]


def test_members_among_values_are_the_whole_lists_cut_to_those_values(cast: Cast) -> None:
    _indicators()
    score_scammer(cast)
    values = {
        BLOCKED,
        "+86" + BLOCKED,
        SUSPECTED,
        "+86" + SUSPECTED,
        BLOCKED_SITE,
        "www." + BLOCKED_SITE,
        SCAMMER,
        "13700000009",
        "",
    }
    whole = platform_lists()
    among = platform_lists(among=values)
    assert among == {name: members & values for name, members in whole.items()}
    assert among[LIST_BLOCKLIST] == {BLOCKED, "+86" + BLOCKED, BLOCKED_SITE}
    assert among[LIST_FLAGGED] == {SCAMMER}


def test_only_the_lists_a_rule_names_are_read(cast: Cast, django_assert_num_queries: Any) -> None:
    _indicators()
    with django_assert_num_queries(1):
        assert platform_lists([LIST_BLOCKLIST], among={BLOCKED}) == {LIST_BLOCKLIST: {BLOCKED}}
    with django_assert_num_queries(0):
        assert platform_lists(["whitelist"], among={BLOCKED}) == {}
