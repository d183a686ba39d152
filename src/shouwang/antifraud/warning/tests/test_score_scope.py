"""The model's scores are the platform's: only someone over the whole tree replaces them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shouwang.antifraud.warning.actions import do_import_scores
from shouwang.antifraud.warning.models import NumberScore
from shouwang.antifraud.warning.queries import scores_importable_by
from shouwang.common.apitest import session_client
from shouwang.common.errors import NotPermitted
from shouwang.common.testing import PASSWORD, Cast
from shouwang.orgs.actions import do_create_user
from shouwang.orgs.choices import Role
from shouwang.orgs.models import User

pytestmark = pytest.mark.django_db

SCORES = b"phone_no_m,score,is_fraud\n13700000001,0.93,1\n"
UPLOAD = "/antifraud/warnings/upload/"


def _district_analyst(cast: Cast) -> User:
    return do_create_user(
        username="dan",
        password=PASSWORD,
        role=Role.FRAUD_ANALYST,
        display_name="Dan",
        unit=cast.district_a,
        actor=None,
    )


def test_only_the_top_of_the_tree_imports_scores(cast: Cast) -> None:
    dan = _district_analyst(cast)
    assert cast.city.parent_id is None
    assert scores_importable_by(cast.ivan) and scores_importable_by(cast.admin)
    assert not scores_importable_by(dan)
    for outsider in (cast.alice, cast.dora, cast.erin):
        assert not scores_importable_by(outsider)
    with pytest.raises(NotPermitted):
        do_import_scores(SCORES, model_version="m1", actor=dan)
    assert not NumberScore.objects.exists()
    assert do_import_scores(SCORES, model_version="m1", actor=cast.ivan) == 1


def test_the_upload_page_offers_the_score_form_only_to_them(cast: Cast) -> None:
    dan = _district_analyst(cast)
    page = session_client(dan).get(UPLOAD).content.decode()
    assert 'id="event-upload"' in page and 'id="score-upload"' not in page
    assert 'id="score-upload-elsewhere"' in page
    answer = session_client(dan).post(
        UPLOAD,
        {
            "what": "scores",
            "model_version": "m1",
            "scores": SimpleUploadedFile("scores.csv", SCORES),
        },
    )
    assert answer.status_code == 422 and not NumberScore.objects.exists()
    page = session_client(cast.ivan).get(UPLOAD).content.decode()
    assert 'id="score-upload"' in page
