"""The score upload's files: the scores CSV and the reasons JSON lines, numbered by row and line."""

import json

import pytest
from django.core.exceptions import ValidationError

from shouwang.antifraud.warning.actions import do_import_scores
from shouwang.antifraud.warning.models import NumberScore
from shouwang.common.testing import Cast

pytestmark = pytest.mark.django_db

SCORES = b"phone_no_m,score,is_fraud\n13800000001,0.91,1\n13800000002,0.20,0\n"


def _reason(number: str, feature: str) -> str:
    return json.dumps(
        {"phone_no_m": number, "reasons": [{"feature": feature, "value": 1, "calibrated": 0.4}]},
        ensure_ascii=False,
    )


def test_a_line_separator_inside_a_reason_does_not_shift_the_line_numbers(cast: Cast) -> None:
    # U+2028 is allowed inside a JSON string; str.splitlines would end a line there, split
    # line 1 into two halves that are not JSON, and name line 1 instead of the bad line 3.
    reasons = "\r\n".join(
        [_reason("13800000001", "a\u2028b"), "", '{"phone_no_m": "13800000002"}']
    ).encode()
    with pytest.raises(ValidationError) as raised:
        do_import_scores(SCORES, model_version="v", reasons=reasons, actor=cast.ivan)
    assert raised.value.message_dict["reasons"] == ["评分依据文件第 3 行格式不正确。"]
    assert not NumberScore.objects.exists()

    good = "\r\n".join([_reason("13800000001", "a\u2028b"), "", _reason("13800000002", "c")])
    assert do_import_scores(SCORES, model_version="v", reasons=good.encode(), actor=cast.ivan) == 2
    stored = {s.value: s.reasons[0]["feature"] for s in NumberScore.objects.all()}
    assert stored == {"13800000001": "a\u2028b", "13800000002": "c"}


def test_score_rows_count_data_rows_from_the_header(cast: Cast) -> None:
    scores = (
        b"\n"  # spreadsheet row 1, blank: the header is row 2
        b"phone_no_m,score,is_fraud\n"
        b'"1380000\n0001",0.5,1\n'  # data row 1, over two lines
        b"\n"  # data row 2, blank
        b"13800000002,2,1\n"  # data row 3
    )
    with pytest.raises(ValidationError) as raised:
        do_import_scores(scores, model_version="v", actor=cast.ivan)
    assert raised.value.message_dict == {"row.3.score": ["评分须为 0 到 1 之间的数字。"]}
