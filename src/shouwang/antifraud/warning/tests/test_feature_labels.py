"""The model's reasons in words: every feature the model can produce has a label."""

import math
import re

import numpy as np
import pytest
import scipy.sparse as sp
from django.utils import translation

from shouwang.antifraud.warning.feature_labels import FEATURES, Kind, explain, format_value
from shouwang.antifraud.warning.tests.helpers import (
    BURST_EVENTS,
    BURST_RULE,
    SCAMMER,
    ingest,
    score_scammer,
    switched_on,
)
from shouwang.common.apitest import session_client
from shouwang.common.testing import Cast
from shouwang.engines.scoring.dataset import CallGraph, FeatureTable
from shouwang.engines.scoring.features import FeatureSpec
from shouwang.engines.scoring.records import FEATURE_COLUMNS


def _names(graph: bool) -> list[str]:
    table = FeatureTable(("a", "b"), FEATURE_COLUMNS, np.ones((2, len(FEATURE_COLUMNS))))
    calls = CallGraph(sp.csr_matrix(np.array([[0.0, 1.0], [1.0, 0.0]])), {"a": 0, "b": 1})
    names, _values = FeatureSpec(FEATURE_COLUMNS, derived=True, graph=graph).build(table, calls)
    return names


@pytest.mark.parametrize("graph", [False, True])
def test_every_feature_the_model_can_produce_has_a_label(graph: bool) -> None:
    names = _names(graph)
    assert len(names) == (76 if graph else 70)  # docs/scoring.md: 55 raw, 15 derived, 6 graph
    assert [n for n in names if n not in FEATURES] == []
    with translation.override("en"):
        english = {n: str(FEATURES[n].label) for n in names}
    # Translated, and in words rather than the identifier.
    assert [n for n, label in english.items() if re.search(r"[\u4e00-\u9fff]", label)] == []
    assert [n for n, label in english.items() if label == n] == []


def test_values_are_written_for_their_kind() -> None:
    with translation.override("en"):
        assert format_value(156.0, Kind.COUNT) == "156"
        assert format_value(12345.0, Kind.COUNT) == "12,345"
        assert format_value(0.2756, Kind.SHARE) == "27.6%"
        assert format_value(77.27, Kind.NUMBER) == "77.3"
        assert format_value(0.0066, Kind.NUMBER) == "0.007"
        assert format_value(63.9375, Kind.YUAN) == "63.94"
        assert format_value(9.0, Kind.HOUR) == "09:00"
        assert format_value(math.nan, Kind.COUNT) == "no records"


def test_an_unknown_feature_keeps_its_identifier() -> None:
    with translation.override("en"):
        (reason,) = explain([{"feature": "call_dispersion", "value": 0.93, "calibrated": 1.1}])
        (known,) = explain([{"feature": "call_dur_mean", "value": 12.5, "calibrated": 0.31}])
    assert (reason.label, reason.value, reason.calibrated) == ("call_dispersion", "0.930", 1.1)
    assert (known.feature, known.label, known.value) == (
        "call_dur_mean",
        "Mean call duration (s)",
        "12.5",
    )


@pytest.mark.django_db
def test_the_proposal_page_shows_labels_in_the_readers_language(cast: Cast) -> None:
    score_scammer(cast)
    switched_on(cast, "burst", BURST_RULE)
    assert any(p.value == SCAMMER for p in ingest(cast, BURST_EVENTS).proposals)
    client = session_client(cast.ivan)
    client.cookies["django_language"] = "en"
    text = client.get("/antifraud/warnings/proposals/").content.decode()
    visible = re.sub(r"<[^>]+>", " ", text)
    assert "Mean call duration (s)" in visible and "Share of outgoing calls" in visible
    assert "27.6%" in visible
    assert "call_dur_mean" not in visible and 'title="call_dur_mean"' in text
