from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shouwang.antifraud.actions import (
    do_accept_report,
    do_answer_request,
    do_cancel_request,
    do_confirm_indicator,
    do_register_report,
    do_scan_late_requests,
    do_submit_public_report,
    do_unconfirm_indicator,
)
from shouwang.antifraud.choices import RequestState, RequestType
from shouwang.antifraud.intake import parse_report
from shouwang.antifraud.models import FraudReport, Indicator, PartnerRequest, RequestDeadline
from shouwang.antifraud.tests.factories import CARD_1, report_payload
from shouwang.audit.models import AuditEvent
from shouwang.common.errors import ActionError, NotPermitted
from shouwang.common.testing import Cast
from shouwang.orgs.models import User

pytestmark = pytest.mark.django_db


def register(cast: Cast, user: User | None = None, **overrides: Any) -> FraudReport:
    return do_register_report(
        parse_report(report_payload(cast, **overrides)), actor=user or cast.alice
    )


def test_register_sends_four_requests_with_deadlines_at_once(cast):
    before = timezone.now()
    report = register(cast)
    requests = {(r.type, r.indicator.value): r for r in report.requests.select_related("indicator")}
    assert len(requests) == 4
    phone_1 = requests[(RequestType.BLOCK_PHONE, "+8613812345678")]
    assert phone_1.organisation == cast.carrier  # 中国移动 number to the 中国移动 desk
    assert (
        requests[(RequestType.BLOCK_PHONE, "+8618612345678")].organisation is None
    )  # no 联通 desk
    freeze_1 = requests[(RequestType.FREEZE, CARD_1)]
    assert freeze_1.organisation == cast.bank
    assert freeze_1.amount_requested == Decimal("30000.00")
    assert timedelta(minutes=14) < freeze_1.deadline - before <= timedelta(minutes=15, seconds=5)
    assert timedelta(minutes=9) < phone_1.deadline - before <= timedelta(minutes=10, seconds=5)
    assert report.requests_sent_at is not None
    assert report.grade == "large" and report.state == "graded"
    assert report.unit == cast.station_a
    assert AuditEvent.objects.filter(action="fraud.request_sent").count() == 4
    assert AuditEvent.objects.filter(action="fraud.report", object_id=str(report.pk)).exists()


def test_deadline_table_overrides_the_default(cast):
    RequestDeadline.objects.create(type=RequestType.FREEZE, minutes=5, escalate_every_minutes=10)
    report = register(cast)
    freeze = report.requests.filter(type=RequestType.FREEZE).first()
    assert freeze is not None
    assert freeze.deadline - freeze.created_at == timedelta(minutes=5)


def test_indicators_are_shared_and_counted_across_reports(cast):
    first = register(cast)
    second = register(
        cast,
        indicators=[{"kind": "phone", "value": "+86 138-1234-5678"}],
        transfers=[],
        loss_amount="100",
    )
    phone = Indicator.objects.get(kind="phone", value="+8613812345678")
    assert phone.report_count == 2
    assert set(phone.report_links.values_list("report_id", flat=True)) == {first.pk, second.pk}
    assert Indicator.objects.count() == 4


def test_register_outside_jurisdiction_or_without_capability(cast):
    data = parse_report(report_payload(cast))
    with pytest.raises(ValidationError):
        do_register_report(data, unit=cast.station_b, actor=cast.alice)
    with pytest.raises(NotPermitted):
        do_register_report(data, actor=cast.dora)
    with pytest.raises(NotPermitted):
        do_register_report(data, actor=cast.erin)
    assert not FraudReport.objects.exists()


def test_a_failure_midway_writes_nothing(cast, monkeypatch):
    from shouwang.antifraud import routing

    def boom(*args, **kwargs):
        raise RuntimeError("partner table unavailable")

    monkeypatch.setattr(routing.Desks, "desk_for", boom)
    with pytest.raises(RuntimeError):
        register(cast)
    assert not FraudReport.objects.exists()
    assert not Indicator.objects.exists()
    assert not PartnerRequest.objects.exists()


def test_desk_answers_only_its_own_request(cast):
    report = register(cast)
    mine = report.requests.get(organisation=cast.bank)
    theirs = report.requests.get(organisation=cast.other_bank)
    with pytest.raises(NotPermitted):
        do_answer_request(theirs, done=True, amount_frozen="1", actor=cast.dora)
    with pytest.raises(NotPermitted):
        do_answer_request(mine, done=True, amount_frozen="1", actor=cast.gina)  # a carrier
    do_answer_request(
        mine, done=True, amount_frozen="29500.50", partner_reference="T-1", actor=cast.dora
    )
    mine.refresh_from_db()
    assert mine.state == RequestState.DONE
    assert mine.amount_frozen == Decimal("29500.50")
    assert mine.answered_by == cast.dora
    event = AuditEvent.objects.get(action="fraud.request_answered")
    assert event.actor == cast.dora and event.detail["amount_frozen"] == "29500.50"
    with pytest.raises(ActionError):
        do_answer_request(mine, done=False, failure_reason="again", actor=cast.dora)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"done": True, "amount_frozen": "-1"}, "amount_frozen"),
        ({"done": True, "amount_frozen": ""}, "amount_frozen"),
        ({"done": True, "amount_frozen": "abc"}, "amount_frozen"),
        ({"done": False, "failure_reason": ""}, "failure_reason"),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(cast, kwargs, field):
    req = register(cast).requests.get(organisation=cast.bank)
    with pytest.raises(ValidationError) as exc:
        do_answer_request(req, actor=cast.dora, **kwargs)
    assert field in exc.value.message_dict
    req.refresh_from_db()
    assert req.state == RequestState.SENT and req.answered_at is None


def test_block_request_answer_and_failure(cast):
    req = register(cast).requests.get(organisation=cast.carrier)
    with pytest.raises(ValidationError):
        do_answer_request(req, done=True, amount_frozen="5", actor=cast.gina)
    do_answer_request(req, done=False, failure_reason="号码已销户", actor=cast.gina)
    req.refresh_from_db()
    assert req.state == RequestState.FAILED and req.failure_reason == "号码已销户"


def test_centre_records_an_unrouted_answer_and_other_district_cannot(cast):
    req = register(cast).requests.get(organisation__isnull=True)
    with pytest.raises(NotPermitted):
        do_answer_request(req, done=True, actor=cast.charlie)
    do_answer_request(req, done=True, note="电话通知联通", actor=cast.alice)
    req.refresh_from_db()
    assert req.state == RequestState.DONE


def test_cancel_request(cast):
    req = register(cast).requests.get(organisation=cast.bank)
    with pytest.raises(ValidationError):
        do_cancel_request(req, reason=" ", actor=cast.alice)
    with pytest.raises(NotPermitted):
        do_cancel_request(req, reason="误报", actor=cast.charlie)
    do_cancel_request(req, reason="误报", actor=cast.alice)
    with pytest.raises(ActionError):
        do_answer_request(req, done=True, amount_frozen="1", actor=cast.dora)


def test_late_requests_escalate_step_by_step(cast):
    report = register(cast)
    req = report.requests.get(organisation=cast.bank)  # freeze: 15 minutes, then every 30
    sent = req.created_at
    assert do_scan_late_requests(now=sent + timedelta(minutes=9)) == 0
    assert do_scan_late_requests(now=sent + timedelta(minutes=11)) == 2  # the phone blocks
    assert do_scan_late_requests(now=req.deadline + timedelta(minutes=1)) == 2  # the freezes
    req.refresh_from_db()
    assert req.is_late and req.escalation_level == 1 and req.escalated_to == cast.district_a
    assert do_scan_late_requests(now=req.deadline + timedelta(minutes=2)) == 0
    do_scan_late_requests(now=req.deadline + timedelta(minutes=31))
    req.refresh_from_db()
    assert req.escalation_level == 2 and req.escalated_to == cast.city
    # Answered requests stop escalating.
    do_answer_request(req, done=True, amount_frozen="10", actor=cast.dora)
    do_scan_late_requests(now=req.deadline + timedelta(hours=5))
    req.refresh_from_db()
    assert req.escalation_level == 2


def test_public_report_waits_for_acceptance(cast):
    data = parse_report(report_payload(cast, victim_phone=""))
    with pytest.raises(ValidationError):
        do_submit_public_report(data, contact_phone="")
    with pytest.raises(ValidationError):
        do_submit_public_report(data, contact_phone="12345")  # not a number police can call
    assert not FraudReport.objects.exists()
    report = do_submit_public_report(data, contact_phone="13900002222")
    assert report.ack_number.startswith("FZ") and len(report.ack_number) == 12
    assert report.unit == cast.city and report.accepted_at is None
    assert report.victim_phone == "+8613900002222"
    assert not report.requests.exists()
    with pytest.raises(NotPermitted):
        do_accept_report(report, unit=cast.station_a, actor=cast.alice)  # city report, A's chief
    with pytest.raises(NotPermitted):
        do_accept_report(report, unit=cast.station_b, actor=cast.charlie)
    do_accept_report(report, unit=cast.station_a, actor=cast.ivan)
    assert report.requests.count() == 4
    assert report.unit == cast.station_a and report.state == "graded"
    with pytest.raises(ActionError):
        do_accept_report(report, unit=cast.station_a, actor=cast.ivan)


def test_blocklist_confirm_and_remove(cast):
    register(cast)
    phone = Indicator.objects.get(kind="phone", value="+8613812345678")
    with pytest.raises(NotPermitted):
        do_confirm_indicator(phone, note="x", actor=cast.dora)
    with pytest.raises(ValidationError):
        do_confirm_indicator(phone, note="", actor=cast.ivan)
    do_confirm_indicator(phone, note="ZP0000001 已查实", actor=cast.ivan)
    assert phone.is_confirmed
    with pytest.raises(ActionError):
        do_confirm_indicator(phone, note="again", actor=cast.ivan)
    do_unconfirm_indicator(phone, note="号码已回收", actor=cast.ivan)
    assert not phone.is_confirmed
    events = AuditEvent.objects.filter(object_type="antifraud.indicator", object_id=str(phone.pk))
    assert sorted(events.values_list("action", flat=True)) == [
        "fraud.blocklist_add",
        "fraud.blocklist_remove",
    ]


def test_a_centre_works_for_the_whole_area_above_it(cast: Cast) -> None:
    from shouwang.antifraud.queries import reports_for_user
    from shouwang.orgs.actions import do_create_unit, do_create_user
    from shouwang.orgs.choices import Role, UnitKind

    centre = do_create_unit(
        code="990100900", name="反诈中心", kind=UnitKind.CENTRE, parent=cast.city, actor=None
    )
    analyst = do_create_user(
        username="zhou", password="x", role=Role.FRAUD_ANALYST, unit=centre, actor=None
    )
    report = register(cast)
    assert list(reports_for_user(analyst)) == [report]
    assert list(reports_for_user(cast.charlie)) == []


def test_close_and_cancel_a_report(cast: Cast) -> None:
    from shouwang.cases.actions import do_cancel_case, do_close_case
    from shouwang.hazards.actions import do_register_hazard

    report = register(cast)
    with pytest.raises(NotPermitted):
        do_close_case(report, note="已处置完毕", actor=cast.carol)  # an officer, not a manager
    with pytest.raises(ValidationError):
        do_close_case(report, note="", actor=cast.alice)
    do_close_case(report, note="资金已冻结,移交侦查", actor=cast.alice)
    assert report.state == "closed" and report.closed_by == cast.alice
    assert report.transitions.filter(action="close").exists()
    with pytest.raises(ActionError):
        do_cancel_case(report, reason="重复报案", actor=cast.alice)
    hazard = do_register_hazard(
        actor=cast.bob,
        title="t",
        category="fire",
        description="d",
        unit=cast.grid_a,
        address="东门路1号",
    )
    with pytest.raises(ActionError):
        do_close_case(hazard, note="不能直接结案", actor=cast.alice)


def test_requests_from_analysis(cast: Cast) -> None:
    from shouwang.antifraud.actions import RequestItem, do_send_requests

    report = register(cast)
    items = [
        RequestItem("bank_card", "4111 1111 1111 1111", cast.bank, Decimal("1200.50")),
        RequestItem("phone", "13912345678"),
    ]
    with pytest.raises(NotPermitted):
        do_send_requests(
            items, source="trace", unit=cast.station_a, report=report, actor=cast.charlie
        )
    with pytest.raises(NotPermitted):
        do_send_requests(items, source="trace", unit=cast.station_a, actor=cast.carol)
    with pytest.raises(ValidationError) as exc:
        do_send_requests(
            [RequestItem("bank_card", "4111111111111112")],
            source="trace",
            unit=cast.station_a,
            actor=cast.alice,
        )
    assert "items.0.value" in exc.value.message_dict
    made = do_send_requests(
        items, source="trace", unit=cast.station_a, report=report, actor=cast.alice
    )
    assert [(r.type, r.organisation) for r in made] == [
        ("freeze", cast.bank),
        ("block_phone", cast.carrier),
    ]
    assert made[0].amount_requested == Decimal("1200.50") and made[0].source == "trace"
    proposal = do_send_requests(
        [RequestItem("phone", "13712345678")],
        source="warning",
        unit=cast.station_a,
        actor=cast.alice,
    )[0]
    assert proposal.report is None
    from shouwang.antifraud.queries import requests_for_user

    assert proposal in requests_for_user(cast.gina) and proposal not in requests_for_user(cast.dora)


def test_a_report_is_written_in_a_fixed_number_of_statements(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    """Intake throughput rests on this: the report, its indicators (one upsert), transfers,
    the register transition, four requests and every audit row in about a dozen statements,
    and the desks' notices in five more (their officers, causes already told, the insert in a
    savepoint), however many indicators it names."""
    data = parse_report(report_payload(cast))
    with django_assert_max_num_queries(18):
        report = do_register_report(data, actor=cast.alice)
    assert report.requests.count() == 4
    assert AuditEvent.objects.filter(action="fraud.request_sent").count() == 4


def test_requests_from_analysis_do_not_count_as_reports(cast: Cast) -> None:
    from shouwang.antifraud.actions import RequestItem, do_send_requests

    register(cast)
    do_send_requests(
        [RequestItem("bank_card", CARD_1, cast.bank), RequestItem("phone", "13712345678")],
        source="trace",
        unit=cast.station_a,
        actor=cast.alice,
    )
    assert Indicator.objects.get(value=CARD_1).report_count == 1
    assert Indicator.objects.get(value="+8613712345678").report_count == 0
