"""The upload page: each form shows its own errors at its fields, file errors as rows with their
row and column (keys ``row.<n>.<column>`` for events and scores alike), and the counts of a
successful import in the reader's plural."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from shouwang.antifraud.warning.models import NumberScore, WarningEvent
from shouwang.antifraud.warning.tests.helpers import BURST_EVENTS, BURST_RULE, switched_on
from shouwang.antifraud.warning.views import _ingested
from shouwang.common.apitest import session_client
from shouwang.common.testing import Cast

pytestmark = pytest.mark.django_db
PAGE = "/antifraud/warnings/upload/"


def _form(html: str, form_id: str) -> str:
    match = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S)
    assert match is not None
    return match.group(0)


def _english(cast: Cast) -> Client:
    client = session_client(cast.ivan)
    client.cookies["django_language"] = "en"
    return client


def test_score_errors_stay_with_the_score_form_and_keep_the_model_version(cast: Cast) -> None:
    scores = SimpleUploadedFile("s.csv", b"phone_no_m,score,is_fraud\n,2,x\n13800000001,0.5,1\n")
    page = session_client(cast.ivan).post(
        PAGE, {"what": "scores", "model_version": "lgbm-2026-11", "scores": scores}
    )
    assert page.status_code == 422
    html = page.content.decode()
    form = _form(html, "score-upload")
    assert 'value="lgbm-2026-11"' in form
    # One key format for every file: row.<n>.<column>, as for events.
    for key in ("row.1.phone_no_m", "row.1.score", "row.1.is_fraud"):
        assert f'data-key="{key}"' in form
    assert "row 1." not in html
    assert "errorlist" not in _form(html, "event-upload")
    assert not NumberScore.objects.exists()


def test_a_missing_field_is_named_next_to_that_field(cast: Cast) -> None:
    page = session_client(cast.ivan).post(PAGE, {"what": "scores", "model_version": "v1"})
    form = _form(page.content.decode(), "score-upload")
    scores_field = re.search(
        r'<label class="field">[^<]*<input type="file" name="scores".*?</label>', form, re.S
    )
    assert scores_field is not None and "请选择评分文件" in scores_field.group(0)
    assert 'value="v1"' in form

    page = session_client(cast.ivan).post(
        PAGE,
        {"what": "scores", "scores": SimpleUploadedFile("s.csv", b"phone_no_m,score,is_fraud\n")},
    )
    version_field = re.search(
        r'<label class="field">[^<]*<input name="model_version".*?</label>',
        page.content.decode(),
        re.S,
    )
    assert version_field is not None and "请填写模型版本" in version_field.group(0)

    page = session_client(cast.ivan).post(PAGE, {"what": "events"})
    html = page.content.decode()
    assert "请选择文件" in _form(html, "event-upload")
    assert "请选择文件" not in _form(html, "score-upload")


def test_event_file_errors_are_listed_by_row_and_column(cast: Cast) -> None:
    lines = [
        json.dumps({"type": "call", "time": "2026-01-05T10:00:00+08:00", "src": "1", "dst": "2"}),
        "",  # a blank line is skipped, and the rows keep their line numbers
        json.dumps({"type": "fax", "time": "2026-01-05T10:01:00+08:00"}),
    ]
    upload = SimpleUploadedFile("events.jsonl", "\n".join(lines).encode())
    page = _english(cast).post(PAGE, {"what": "events", "file": upload})
    assert page.status_code == 422
    form = _form(page.content.decode(), "event-upload")
    row = re.search(r'<tr data-key="row.3.type">(.*?)</tr>', form, re.S)
    assert row is not None
    assert re.findall(r"<td>(.*?)</td>", row.group(1))[:2] == ["3", "<code>type</code>"]
    assert "nothing was imported" in form
    assert not WarningEvent.objects.exists()

    bad_json = SimpleUploadedFile("events.jsonl", b"{not json}\n")
    form = _form(
        _english(cast).post(PAGE, {"what": "events", "file": bad_json}).content.decode(),
        "event-upload",
    )
    assert 'data-key="row.1"' in form


def test_the_counts_of_an_import_read_right_in_english(cast: Cast) -> None:
    switched_on(cast, "burst", BURST_RULE)
    lines = "\n".join(json.dumps(e) for e in BURST_EVENTS).encode()
    page = _english(cast).post(
        PAGE, {"what": "events", "file": SimpleUploadedFile("e.jsonl", lines)}
    )
    assert page.status_code == 200
    assert "Received 11 events, raising 0 dissuasion tasks and 2 block proposals." in (
        page.content.decode()
    )
    with translation.override("en"):
        assert _ingested(1, 1, 1) == (
            "Received 1 event, raising 1 dissuasion task and 1 block proposal."
        )
    with translation.override("zh-hans"):
        assert _ingested(1, 2, 3) == "已接收 1 条事件,产生 2 个劝阻任务、3 条封停建议。"


def test_the_count_of_imported_scores_reads_right_in_english(cast: Cast) -> None:
    scores = SimpleUploadedFile("s.csv", b"phone_no_m,score,is_fraud\n13800000001,0.5,1\n")
    page = _english(cast).post(PAGE, {"what": "scores", "model_version": "v1", "scores": scores})
    assert "Imported scores for 1 number." in page.content.decode()
