"""Notices: who is told of what, once; the bell and the page; SMS through the outbox and
through a real HTTP gateway on loopback, with retries; one's own notices only."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from shouwang.antifraud.actions import (
    do_answer_request,
    do_register_report,
    do_scan_late_requests,
)
from shouwang.antifraud.intake import parse_report
from shouwang.antifraud.tests.factories import report_payload
from shouwang.antifraud.warning.actions import (
    do_approve_proposal,
    do_record_outcome,
    do_reject_proposal,
    do_scan_late_tasks,
)
from shouwang.antifraud.warning.choices import Outcome
from shouwang.antifraud.warning.models import BlockProposal
from shouwang.antifraud.warning.tests.helpers import (
    BURST_EVENTS,
    BURST_RULE,
    SCAMMER,
    VICTIM_RULE,
    call,
    ingest,
    score_scammer,
    switched_on,
)
from shouwang.audit.models import AuditEvent
from shouwang.cases.actions import do_assign_case, do_grade_case, do_scan_overdue
from shouwang.common.apitest import session_client, token_client
from shouwang.common.testing import POINT_A, Cast
from shouwang.hazards.actions import do_register_hazard
from shouwang.hazards.choices import HazardCategory, HazardGrade
from shouwang.notices.actions import MAX_ATTEMPTS, do_notify, do_send_due, unread_counts
from shouwang.notices.choices import Channel, DeliveryState, NoticeKind
from shouwang.notices.models import Delivery, Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_outbox(settings: Any) -> None:
    settings.SMS_BACKEND = "outbox"


def _victim_task(cast: Cast) -> Any:
    score_scammer(cast)
    switched_on(cast, "victim", VICTIM_RULE, fraud_type="fake_authority")
    return ingest(cast, [call(SCAMMER, "13900001111", 0, grid=cast.grid_a.code)]).tasks[0]


def test_a_high_risk_task_tells_its_officer_at_once_by_bell_and_sms(
    cast: Cast, sms_outbox: None
) -> None:
    task = _victim_task(cast)
    notice = Notice.objects.get()
    assert (notice.recipient, notice.kind, notice.urgent) == (
        cast.bob,
        NoticeKind.WARNING_TASK,
        True,
    )
    delivery = notice.deliveries.get()
    assert (delivery.channel, delivery.address) == (Channel.SMS, cast.bob.phone)
    assert do_send_due() == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT and delivery.reference.startswith("outbox-")
    # The text names the deadline and the person masked, never the whole number.
    assert "15 分钟" in delivery.text and "139****1111" in delivery.text
    assert "13900001111" not in delivery.text

    bob = session_client(cast.bob)
    assert ">1<" in bob.get("/notices/badge/").content.decode()
    page = bob.get("/notices/").content.decode()
    assert "139****1111" in page and "13900001111" not in page
    opened = bob.post(f"/notices/{notice.pk}/open/")
    assert opened["Location"] == f"/antifraud/warnings/tasks/{task.pk}/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'id="bell-count"' not in bob.get("/notices/badge/").content.decode()


def test_recording_the_outcome_settles_the_tasks_notice(cast: Cast) -> None:
    task = _victim_task(cast)
    do_record_outcome(task, outcome=Outcome.DISSUADED, note="已劝阻", actor=cast.bob)
    assert Notice.objects.get().read_at is not None
    assert unread_counts(cast.bob) == (0, 0)


def test_nobody_opens_or_reads_another_persons_notice(cast: Cast) -> None:
    _victim_task(cast)
    notice = Notice.objects.get()
    for other in (cast.alice, cast.charlie, cast.dora):
        client = session_client(other)
        assert client.post(f"/notices/{notice.pk}/open/").status_code == 404
        assert "139****1111" not in client.get("/notices/").content.decode()
        api = token_client(other)
        assert api.post(f"/api/v1/notices/{notice.pk}/read").status_code == 404
        assert api.get("/api/v1/notices/").json() == []
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_api_lists_and_marks_ones_own_notices(cast: Cast) -> None:
    _victim_task(cast)
    api = token_client(cast.bob)
    listed = api.get("/api/v1/notices/?unread=true").json()
    assert [n["kind"] for n in listed] == ["warning_task"] and listed[0]["urgent"] is True
    assert "139****1111" in listed[0]["text"]
    read = api.post(f"/api/v1/notices/{listed[0]['id']}/read").json()
    assert read["read_at"] is not None
    assert api.get("/api/v1/notices/?unread=true").json() == []


def test_a_cause_notifies_each_person_once(cast: Cast) -> None:
    for _ in range(2):
        do_notify(
            [cast.alice, cast.alice],
            kind=NoticeKind.PROPOSALS,
            params={"n": 2},
            url="/",
            key="proposals:b1",
        )
    assert Notice.objects.filter(recipient=cast.alice).count() == 1


def test_a_batchs_proposals_make_one_notice_for_the_analysts_in_charge(cast: Cast) -> None:
    switched_on(cast, "burst", BURST_RULE)
    assert len(ingest(cast, BURST_EVENTS).proposals) == 2
    told = Notice.objects.get(kind=NoticeKind.PROPOSALS)
    assert (told.recipient, told.params["n"], told.url) == (
        cast.ivan,
        2,
        "/antifraud/warnings/proposals/",
    )
    first, second = BlockProposal.objects.order_by("pk")
    do_reject_proposal(first, note="快递公司", actor=cast.ivan)
    told.refresh_from_db()
    assert told.read_at is None  # one still waits
    do_approve_proposal(second, actor=cast.ivan)
    told.refresh_from_db()
    assert told.read_at is not None


def test_a_late_task_tells_the_stand_in(cast: Cast, sms_outbox: None) -> None:
    task = _victim_task(cast)
    assert do_scan_late_tasks(now=task.deadline + timedelta(minutes=1)) == 1
    handed = Notice.objects.get(kind=NoticeKind.WARNING_TASK_HANDED)
    task.refresh_from_db()
    assert handed.recipient == task.assignee != cast.bob
    assert handed.urgent and handed.deliveries.count() == 1


def test_partner_desks_hear_of_their_own_requests_only(cast: Cast, sms_outbox: None) -> None:
    payload = report_payload(cast)
    payload["transfers"] = payload["transfers"][:1]  # money to cast.bank only
    report = do_register_report(parse_report(payload), actor=cast.alice)
    freeze = report.requests.get(organisation=cast.bank)
    to_bank = Notice.objects.get(recipient=cast.dora)
    assert (to_bank.kind, to_bank.urgent, to_bank.url) == (
        NoticeKind.REQUESTS_NEW,
        True,  # a freeze: money leaves in minutes
        "/antifraud/desk/",
    )
    assert to_bank.key == f"request:{freeze.pk}"
    carrier = report.requests.filter(organisation=cast.carrier)
    to_carrier = Notice.objects.filter(recipient=cast.gina)
    assert to_carrier.count() == carrier.count() > 0
    assert not to_carrier.filter(urgent=True).exists()  # phone blocks
    assert not Notice.objects.filter(recipient=cast.hank).exists()  # nothing at the other bank
    # Answered, the request needs nobody: its notice is read.
    do_answer_request(freeze, done=True, amount_frozen="29000", actor=cast.dora)
    to_bank.refresh_from_db()
    assert to_bank.read_at is not None


def test_a_late_request_tells_the_people_in_charge_where_it_is_escalated(cast: Cast) -> None:
    report = do_register_report(parse_report(report_payload(cast)), actor=cast.alice)
    latest = max(r.deadline for r in report.requests.all())
    assert do_scan_late_requests(now=latest + timedelta(days=1)) >= 1
    late = Notice.objects.filter(kind=NoticeKind.REQUEST_LATE)
    assert set(late.values_list("recipient", flat=True)) == {cast.ivan.pk}
    assert late.first().url == f"/antifraud/{report.pk}/"  # type: ignore[union-attr]


def test_case_assignment_and_escalation_tell_the_people_concerned(cast: Cast) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        hazard = do_register_hazard(
            actor=cast.bob,
            title="燃气管老化",
            category=HazardCategory.FIRE,
            description="餐馆燃气软管老化",
            lat=POINT_A[0],
            lon=POINT_A[1],
        )
        do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
        do_assign_case(hazard, organisation=cast.company, actor=cast.alice)
    assigned = Notice.objects.get(kind=NoticeKind.CASE_ASSIGNED)
    assert assigned.recipient == cast.erin and assigned.url == f"/hazards/{hazard.pk}/"
    assert "燃气管老化" in session_client(cast.erin).get("/notices/").content.decode()
    with time_machine.travel(start + timedelta(days=10, hours=2), tick=False):
        do_scan_overdue()
    overdue = Notice.objects.filter(kind=NoticeKind.CASE_OVERDUE)
    assert list(overdue.values_list("recipient", flat=True)) == [cast.alice.pk]


def test_sms_can_be_turned_off_and_the_choice_is_audited(cast: Cast, sms_outbox: None) -> None:
    session_client(cast.bob).post("/notices/preferences/", {"email_all": "on"})
    assert AuditEvent.objects.filter(action="notice.preference", actor=cast.bob).exists()
    _victim_task(cast)
    assert Notice.objects.get().deliveries.count() == 0  # no SMS; no e-mail server either


def test_email_goes_to_those_who_ask_for_it(cast: Cast, settings: Any) -> None:
    settings.NOTICE_EMAIL = True
    cast.bob.email = "bob@example.org"
    cast.bob.save(update_fields=["email"])
    session_client(cast.bob).post("/notices/preferences/", {"email_all": "on"})
    _victim_task(cast)
    assert do_send_due() == 1
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert "139****1111" in mail.outbox[0].body


def test_the_page_reads_in_english(cast: Cast) -> None:
    _victim_task(cast)
    client = session_client(cast.bob)
    client.cookies["django_language"] = "en"
    page = client.get("/notices/").content.decode()
    assert "minutes" in page and "139****1111" in page
    with translation.override("en"):
        assert "Notices" in client.get("/notices/").content.decode()


def test_the_list_page_counts_the_unread_once_for_itself_and_the_bell(cast: Cast) -> None:
    _victim_task(cast)
    client = session_client(cast.bob)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/notices/").content.decode()
    counts = [
        q["sql"]
        for q in ctx.captured_queries
        if "COUNT(" in q["sql"] and '"read_at" IS NULL' in q["sql"]
    ]
    assert len(counts) == 1
    assert 'id="bell-count"' in page and ">1</span>" in page


def test_the_bell_stays_quiet_when_signed_out(cast: Cast) -> None:
    assert session_client(None).get("/notices/badge/").status_code == 204


class _Gateway(BaseHTTPRequestHandler):
    answers: list[int] = []
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Gateway.received.append(
            {"auth": self.headers["Authorization"], **json.loads(body.decode())}
        )
        status = _Gateway.answers.pop(0) if _Gateway.answers else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": f"msg-{len(_Gateway.received)}"}).encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway(settings: Any) -> Iterator[type[_Gateway]]:
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.answers, _Gateway.received = [], []
    settings.SMS_BACKEND = "http"
    settings.SMS_URL = f"http://127.0.0.1:{server.server_port}/sms"
    settings.SMS_TOKEN = "secret-token"
    try:
        yield _Gateway
    finally:
        server.shutdown()
        server.server_close()


def test_the_http_gateway_is_retried_until_it_answers(cast: Cast, gateway: Any) -> None:
    gateway.answers = [503]
    _victim_task(cast)
    delivery = Delivery.objects.get()
    now = timezone.now()
    assert do_send_due(now) == 0
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.error) == (
        DeliveryState.PENDING,
        1,
        "HTTP 503",
    )
    assert do_send_due(now) == 0  # not due again yet: it waits before the next try
    assert do_send_due(now + timedelta(minutes=5)) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.reference) == (DeliveryState.SENT, "msg-2")
    sent = gateway.received[-1]
    assert sent["auth"] == "Bearer secret-token" and sent["phone"] == cast.bob.phone
    assert "139****1111" in sent["text"]


def test_a_delivery_that_keeps_failing_is_marked_failed(cast: Cast, gateway: Any) -> None:
    gateway.answers = [500] * MAX_ATTEMPTS
    _victim_task(cast)
    now = timezone.now()
    for attempt in range(MAX_ATTEMPTS):
        do_send_due(now + timedelta(hours=attempt))
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, MAX_ATTEMPTS)
    assert do_send_due(now + timedelta(days=1)) == 0


def test_a_case_assigned_to_a_grid_tells_its_worker(cast: Cast) -> None:
    hazard = do_register_hazard(
        actor=cast.alice,
        title="楼道堆放杂物",
        category=HazardCategory.FIRE,
        description="三楼楼道堆放纸箱",
        lat=POINT_A[0],
        lon=POINT_A[1],
    )
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    do_assign_case(hazard, unit=cast.grid_a, actor=cast.alice)
    told = Notice.objects.filter(kind=NoticeKind.CASE_ASSIGNED)
    assert list(told.values_list("recipient", flat=True)) == [cast.bob.pk]
