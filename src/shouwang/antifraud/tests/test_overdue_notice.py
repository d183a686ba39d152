"""An overdue fraud report's notice opens the report: the lifecycle's overdue scan covers every
case kind, and each kind names its own page."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from shouwang.antifraud.actions import do_register_report
from shouwang.antifraud.intake import parse_report
from shouwang.antifraud.tests.factories import report_payload
from shouwang.cases.actions import do_scan_overdue
from shouwang.common.apitest import session_client
from shouwang.common.testing import Cast
from shouwang.notices.choices import NoticeKind
from shouwang.notices.models import Notice

pytestmark = pytest.mark.django_db


def test_an_overdue_report_notice_links_to_the_report(cast: Cast) -> None:
    report = do_register_report(parse_report(report_payload(cast)), actor=cast.alice)
    with time_machine.travel(timezone.now() + timedelta(days=90), tick=False):
        do_scan_overdue()
    notices = Notice.objects.filter(kind=NoticeKind.CASE_OVERDUE)
    assert notices.exists()
    assert {n.url for n in notices} == {f"/antifraud/{report.pk}/"}
    recipient = notices.first().recipient  # type: ignore[union-attr]
    assert session_client(recipient).get(f"/antifraud/{report.pk}/").status_code == 200
