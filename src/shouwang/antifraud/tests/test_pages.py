from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from shouwang.antifraud.actions import do_register_report
from shouwang.antifraud.choices import RequestState
from shouwang.antifraud.intake import parse_report
from shouwang.antifraud.models import FraudReport, Indicator, PartnerRequest
from shouwang.antifraud.tests.factories import CARD_1, CARD_2, PHONE_1, PHONE_2, report_payload
from shouwang.audit.models import AuditEvent
from shouwang.common.apitest import session_client
from shouwang.common.testing import Cast

pytestmark = pytest.mark.django_db


def form_post(cast: Cast, **overrides: Any) -> dict[str, str]:
    post = {
        "fraud_type": "investment",
        "occurred_at": "2026-01-05T10:00",
        "loss_amount": "58000",
        "channel": "desk",
        "victim_name": "王小明",
        "indicator-0-kind": "phone",
        "indicator-0-value": PHONE_1,
        "indicator-1-kind": "phone",
        "indicator-1-value": PHONE_2,
        "indicator-2-kind": "phone",
        "indicator-2-value": "",
        "transfer-0-to_kind": "bank_card",
        "transfer-0-to_account": CARD_1,
        "transfer-0-to_institution": str(cast.bank.pk),
        "transfer-0-amount": "30000",
        "transfer-0-at": "2026-01-05T10:30",
        "transfer-1-to_kind": "bank_card",
        "transfer-1-to_account": CARD_2,
        "transfer-1-to_institution": str(cast.other_bank.pk),
        "transfer-1-amount": "28000",
        "transfer-1-at": "2026-01-05T10:40",
    }
    post.update(overrides)
    return post


def make_report(cast: Cast) -> FraudReport:
    return do_register_report(parse_report(report_payload(cast)), actor=cast.alice)


def test_register_form_sends_four_requests(cast):
    client = session_client(cast.carol)
    assert client.get("/antifraud/new/").status_code == 200
    response = client.post("/antifraud/new/", form_post(cast))
    assert response.status_code == 302, response.content.decode()[:2000]
    report = FraudReport.objects.get()
    assert response["Location"] == f"/antifraud/{report.pk}/"
    assert report.requests.count() == 4 and report.created_by == cast.carol
    page = client.get(response["Location"]).content.decode()
    assert "王*明" in page and "王小明" not in page
    assert CARD_1 in page and "止损率" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("transfer-0-to_account", "6222021234567891", "校验位不正确"),
        ("indicator-0-value", "12345", "不是有效的电话号码"),
        ("transfer-1-amount", "-28000", "金额不能为负数"),
    ],
)
def test_register_form_bad_input_shows_the_error_and_writes_nothing(cast, field, value, message):
    response = session_client(cast.carol).post("/antifraud/new/", form_post(cast, **{field: value}))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not FraudReport.objects.exists() and not Indicator.objects.exists()


def test_register_form_shows_a_bad_victim_phone_next_to_the_field(cast):
    response = session_client(cast.carol).post(
        "/antifraud/new/", form_post(cast, victim_phone="abc")
    )
    assert response.status_code == 422
    assert (
        'name="victim_phone" value="abc" autocomplete="off">'
        '<ul class="errorlist"><li>“abc”不是有效的电话号码。</li>'
    ) in response.content.decode()
    assert not FraudReport.objects.exists()


@pytest.mark.parametrize("phone", ["abc", "12345"])
def test_public_form_rejects_a_contact_phone_police_cannot_call(cast, phone):
    post = form_post(cast, contact_phone=phone)
    response = Client().post("/antifraud/report/", post)
    assert response.status_code == 422
    assert (
        f'name="contact_phone" value="{phone}" autocomplete="tel">'
        f'<ul class="errorlist"><li>“{phone}”不是有效的电话号码。</li>'
    ) in response.content.decode()
    assert not FraudReport.objects.exists()


def test_public_form_stores_the_contact_phone_normalised(cast):
    response = Client().post("/antifraud/report/", form_post(cast, contact_phone="139 0000 2222"))
    assert response.status_code == 200
    assert FraudReport.objects.get().victim_phone == "+8613900002222"


def test_public_form_flags_every_missing_field_at_once(cast):
    response = Client().post("/antifraud/report/", {"fraud_type": "", "contact_phone": ""})
    assert response.status_code == 422
    page = response.content.decode()
    for message in (
        "请选择诈骗类型。",
        "请至少填写一条线索或一笔转账。",
        "请留下联系电话,以便民警与您核实。",
    ):
        assert message in page


def test_report_pages_are_scoped(cast):
    report = make_report(cast)
    ind = Indicator.objects.get(value=CARD_1)
    for path in (
        f"/antifraud/{report.pk}/",
        f"/antifraud/{report.pk}/network.json",
        f"/antifraud/indicators/{ind.pk}/",
    ):
        assert session_client(cast.alice).get(path).status_code == 200, path
        assert session_client(cast.charlie).get(path).status_code == 404, path
        assert session_client(cast.dora).get(path).status_code in (403, 404), path
    listing = session_client(cast.charlie).get("/antifraud/").content.decode()
    assert report.reference not in listing
    assert report.reference in session_client(cast.alice).get("/antifraud/").content.decode()
    assert session_client(cast.dora).get("/antifraud/").status_code == 403
    assert session_client(None).get("/antifraud/").status_code == 302


def test_second_report_naming_the_same_account_links_to_the_first(cast):
    first = make_report(cast)
    second = do_register_report(
        parse_report(
            report_payload(
                cast,
                indicators=[],
                transfers=[
                    {
                        "to_account": CARD_1,
                        "to_institution": cast.bank.pk,
                        "amount": "500",
                        "at": "2026-01-01T10:00:00+08:00",
                    }
                ],
            )
        ),
        actor=cast.carol,
    )
    page = session_client(cast.alice).get(f"/antifraud/{second.pk}/").content.decode()
    assert first.reference in page
    graph = session_client(cast.alice).get(f"/antifraud/{second.pk}/network.json").json()
    names = {n["name"] for n in graph["nodes"]}
    assert {first.reference, second.reference, CARD_1} <= names
    clusters = session_client(cast.alice).get("/antifraud/clusters/").content.decode()
    assert first.reference in clusters and second.reference in clusters


def test_desk_sees_and_answers_only_its_own(cast):
    report = make_report(cast)
    dora = session_client(cast.dora)
    page = dora.get("/antifraud/desk/").content.decode()
    assert CARD_1 in page and CARD_2 not in page and PHONE_1 not in page
    mine = report.requests.get(organisation=cast.bank)
    theirs = report.requests.get(organisation=cast.other_bank)
    assert dora.get(f"/antifraud/desk/{theirs.pk}/").status_code == 404
    bad = dora.post(f"/antifraud/desk/{mine.pk}/", {"outcome": "done", "amount_frozen": "-1"})
    assert bad.status_code == 422 and "金额不能为负数" in bad.content.decode()
    ok = dora.post(f"/antifraud/desk/{mine.pk}/", {"outcome": "done", "amount_frozen": "29000"})
    assert ok.status_code == 302
    mine.refresh_from_db()
    assert mine.state == RequestState.DONE and mine.amount_frozen == Decimal("29000.00")
    detail = session_client(cast.alice).get(f"/antifraud/{report.pk}/").content.decode()
    assert "29,000" in detail or "29000" in detail
    assert "50.0%" in detail  # 29,000 of 58,000
    # The desk cannot open the centre's pages.
    assert dora.get(f"/antifraud/{report.pk}/").status_code in (403, 404)
    assert dora.get("/antifraud/dashboard/").status_code == 403


def test_desk_list_offers_answer_only_to_who_may_answer(cast):
    report = make_report(cast)
    mine = report.requests.get(organisation=cast.bank)
    answer = f"/antifraud/desk/{mine.pk}/"
    assert answer in session_client(cast.dora).get("/antifraud/desk/").content.decode()
    # The auditor may read the desk list but not answer: no button that ends in a 403.
    frank = session_client(cast.frank)
    page = frank.get("/antifraud/desk/")
    assert page.status_code == 200 and mine.reference in page.content.decode()
    assert answer not in page.content.decode()
    assert frank.get(answer).status_code == 403


def test_public_report_receipt_status_and_throttle(cast, settings):
    settings.FRAUD_PUBLIC_LIMIT = 2
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert client.get("/antifraud/report/").status_code == 200
    post = form_post(cast, contact_phone="13900002222")
    bad = client.post("/antifraud/report/", {**post, "contact_phone": ""})
    assert bad.status_code == 422 and not FraudReport.objects.exists()
    done = client.post("/antifraud/report/", post)
    assert done.status_code == 200
    report = FraudReport.objects.get()
    assert report.ack_number in done.content.decode()
    assert report.accepted_at is None and not report.requests.exists()
    status = client.get("/antifraud/report/status/", {"ack": report.ack_number.lower()})
    assert status.status_code == 200 and "王" not in status.content.decode()
    assert client.get("/antifraud/report/status/", {"ack": "FZNOPE"}).status_code == 404
    client.post("/antifraud/report/", post)
    throttled = client.post("/antifraud/report/", post)
    assert throttled.status_code == 429
    assert FraudReport.objects.count() == 2
    # The centre accepts it into station A; the four requests go out then.
    ivan = session_client(cast.ivan)
    assert "待受理" in ivan.get(f"/antifraud/{report.pk}/").content.decode()
    assert (
        session_client(cast.charlie)
        .post(f"/antifraud/{report.pk}/accept/", {"unit": cast.station_b.code})
        .status_code
        == 404
    )
    ivan.post(f"/antifraud/{report.pk}/accept/", {"unit": cast.station_a.code})
    report.refresh_from_db()
    assert report.unit == cast.station_a and report.requests.count() == 4


def test_dashboard_figures(cast):
    report = make_report(cast)
    req = report.requests.get(organisation=cast.bank)
    from shouwang.antifraud.actions import do_answer_request

    do_answer_request(req, done=True, amount_frozen="29000", actor=cast.dora)
    page = session_client(cast.alice).get("/antifraud/dashboard/").content.decode()
    assert "58,000" in page or "58000" in page
    assert "50.0%" in page
    other = session_client(cast.charlie).get("/antifraud/dashboard/").content.decode()
    assert "58,000" not in other and "58000" not in other


def test_blocklist_page_and_download(cast):
    make_report(cast)
    ind = Indicator.objects.get(value=CARD_1)
    alice = session_client(cast.alice)
    alice.post(f"/antifraud/indicators/{ind.pk}/", {"step": "confirm", "note": "查实"})
    ind.refresh_from_db()
    assert ind.is_confirmed
    page = (
        session_client(cast.dora).get("/antifraud/blocklist/", {"value": CARD_1}).content.decode()
    )
    assert "已确认涉诈" in page
    body = b"".join(session_client(cast.dora).get("/antifraud/blocklist.csv").streaming_content)  # type: ignore[attr-defined]
    assert CARD_1.encode() in body
    assert AuditEvent.objects.filter(action="fraud.blocklist_export").count() == 1
    assert session_client(cast.erin).get("/antifraud/blocklist/").status_code == 403
    assert PartnerRequest.objects.count() == 4


def test_request_deadlines_are_edited_in_the_admin_and_audited(cast):
    admin = session_client(cast.admin)
    response = admin.post(
        "/admin/antifraud/requestdeadline/add/",
        {"type": "freeze", "minutes": "5", "escalate_every_minutes": "10"},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="admin.add", object_type="antifraud.requestdeadline"
    ).exists()
    bad = admin.post(
        "/admin/antifraud/requestdeadline/add/",
        {"type": "block_phone", "minutes": "0", "escalate_every_minutes": "10"},
    )
    assert bad.status_code == 200  # the form again, with the error
    assert session_client(cast.alice).get("/admin/antifraud/requestdeadline/").status_code in (
        302,
        403,
    )


def test_dashboard_ranks_stations_with_their_grids_reports(cast):
    from shouwang.antifraud.stats import dashboard

    loss = make_report(cast).loss_amount  # at station_a
    payload = report_payload(cast)
    do_register_report(parse_report(payload), unit=cast.grid_a, actor=cast.alice)
    do_register_report(parse_report(payload), unit=cast.station_b, actor=cast.ivan)
    rows = {r.label: (r.reports, r.loss) for r in dashboard(cast.ivan).by_unit}
    assert rows == {cast.station_a.name: (2, 2 * loss), cast.station_b.name: (1, loss)}
    assert [r.label for r in dashboard(cast.alice).by_unit] == [cast.station_a.name]
