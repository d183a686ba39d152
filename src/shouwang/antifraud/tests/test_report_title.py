"""A report's heading is built in the reader's language when the page renders."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from shouwang.antifraud.actions import do_register_report
from shouwang.antifraud.intake import parse_report
from shouwang.antifraud.tests.factories import report_payload
from shouwang.common.apitest import session_client
from shouwang.common.testing import Cast

pytestmark = pytest.mark.django_db

ENGLISH = "Fake investment, loss 58,000.00 yuan"
CHINESE = "虚假投资理财 损失 58,000.00 元"


@pytest.mark.parametrize(
    ("language", "title", "other"), [("en", ENGLISH, CHINESE), ("zh-hans", CHINESE, ENGLISH)]
)
def test_the_same_report_is_headed_in_each_readers_language(
    cast: Cast, language: str, title: str, other: str
) -> None:
    # Registered from an English page: what is stored must not decide what readers see.
    with translation.override("en"):
        report = do_register_report(parse_report(report_payload(cast)), actor=cast.alice)
    client = session_client(cast.alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in (f"/antifraud/{report.pk}/", f"/antifraud/trace/reports/{report.pk}/"):
        html = client.get(url).content.decode()
        assert title in html and other not in html, url


def test_the_stored_title_is_in_the_source_language_for_search(cast: Cast) -> None:
    with translation.override("en"):
        report = do_register_report(parse_report(report_payload(cast)), actor=cast.alice)
    assert report.title == CHINESE
    client = session_client(cast.alice)
    assert report.reference in client.get("/antifraud/", {"q": "虚假投资"}).content.decode()
    assert report.reference not in client.get("/antifraud/", {"q": "冒充"}).content.decode()
