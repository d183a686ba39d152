"""The model-score upload names a bad row as the warning upload page documents it: the data row
(the spreadsheet's row less the header's), with blank lines counted and a quoted cell over
several lines taken as one row."""

import pytest
from django.core.exceptions import ValidationError

from shouwang.antifraud.warning.actions import do_import_scores
from shouwang.antifraud.warning.models import NumberScore
from shouwang.common.testing import Cast

pytestmark = pytest.mark.django_db


def test_a_bad_score_is_named_by_its_data_row_past_blank_lines_and_multi_line_cells(
    cast: Cast,
) -> None:
    scores = (
        b"phone_no_m,score,is_fraud\r\n"  # spreadsheet row 1: the header
        b"\r\n"  # row 2, blank: data row 1
        b'"13800000001\r\n",0.5,1\r\n'  # row 3: data row 2, a cell over two lines
        b"\r\n"  # row 4, blank: data row 3
        b"13800000002,2,1\r\n"  # row 5: data row 4
    )
    with pytest.raises(ValidationError) as raised:
        do_import_scores(scores, model_version="v1", actor=cast.ivan)
    assert list(raised.value.message_dict) == ["row.4.score"]
    assert not NumberScore.objects.exists()


def test_blank_lines_above_the_header_do_not_shift_the_data_rows(cast: Cast) -> None:
    scores = b"\n\nphone_no_m,score,is_fraud\n13800000001,0.5,1\n\n13800000002,0.5,maybe\n"
    with pytest.raises(ValidationError) as raised:
        do_import_scores(scores, model_version="v1", actor=cast.ivan)
    assert list(raised.value.message_dict) == ["row.3.is_fraud"]
