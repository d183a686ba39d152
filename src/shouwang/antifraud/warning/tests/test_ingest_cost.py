"""A batch's cost must not grow with the numbers it replays: the model's scores are read ahead
in a few queries, not one SELECT per number (which was most of a batch's time in
bench/warning_ingest.py); and cooldowns span batches from stored marks, as one evaluator's would."""

from typing import Any

import pytest

from shouwang.antifraud.warning.tests.helpers import (
    SCAMMER,
    VICTIM_RULE,
    call,
    ingest,
    score_scammer,
    switched_on,
)
from shouwang.common.testing import Cast

pytestmark = pytest.mark.django_db


def _calls(first: int, n: int) -> list[dict[str, Any]]:
    return [call(f"1370000{first + i:04d}", f"1390000{first + i:04d}", i * 0.1) for i in range(n)]


def test_score_lookups_do_not_grow_with_the_numbers_replayed(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    score_scammer(cast)
    switched_on(cast, "victim", VICTIM_RULE)
    ingest(cast, _calls(0, 300))  # history the next batch replays
    with django_assert_max_num_queries(30):
        result = ingest(cast, [*_calls(1000, 50), call(SCAMMER, "13900001111", 40)])
    assert [t.person_phone for t in result.tasks] == ["13900001111"]


LONG_COOLDOWN = {
    "name": "接到涉诈号码来电",
    "risk": "medium",
    "when": {"field": "src", "op": "eq", "value": SCAMMER},
    "flag": {"party": "dst", "role": "victim"},
    "cooldown_minutes": 120,
}


def test_a_cooldown_chain_longer_than_the_replay_loses_no_warning(cast: Cast) -> None:
    switched_on(cast, "long", LONG_COOLDOWN)
    # One evaluator over the stream warns at minutes 0 and 140 (90 is in 0's cooldown); each
    # call arrives in its own batch.
    minutes = (0, 90, 140, 200, 270)
    raised = [len(ingest(cast, [call(SCAMMER, "13900001111", m)]).tasks) for m in minutes]
    assert raised == [1, 0, 1, 0, 1]
    # Another person is not held back by the first one's cooldown.
    assert len(ingest(cast, [call(SCAMMER, "13900002222", 271)]).tasks) == 1
