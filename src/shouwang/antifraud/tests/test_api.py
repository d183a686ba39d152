import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from shouwang.antifraud.actions import do_confirm_indicator
from shouwang.antifraud.models import FraudReport, Indicator, PartnerRequest
from shouwang.antifraud.tests.factories import CARD_1, CARD_2, report_payload
from shouwang.audit.models import AuditEvent
from shouwang.common.apitest import Call, errors_of, session_client, token_client

pytestmark = pytest.mark.django_db
BASE = "/api/v1/antifraud"


@pytest.fixture
def api():
    """A token client per user, made once per test (token names are unique per user)."""
    clients = {}

    def client_for(user):
        if user.pk not in clients:
            clients[user.pk] = token_client(user)
        return clients[user.pk]

    return client_for


def post_report(client: Client, payload: dict[str, Any]) -> Any:
    return Call("post", f"{BASE}/reports", json=payload).send(client)


def test_register_over_the_api_commits_report_and_requests(cast, api):
    response = post_report(api(cast.alice), report_payload(cast))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("ZP") and body["ack_number"].startswith("FZ")
    assert len(body["requests"]) == 4
    # The victim's phone is stored as E.164, like the phone indicators.
    assert body["victim_name"] == "王*明" and body["victim_phone"] == "+86*******1111"
    assert {r["type"] for r in body["requests"]} == {"block_phone", "freeze"}
    assert FraudReport.objects.get(pk=body["id"]).requests.count() == 4


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["transfers"][0].update(to_account="6222021234567891"), "transfers.0.to_value"),
        (lambda d: d["indicators"][0].update(value="12345"), "indicators.0.value"),
        (lambda d: d["transfers"][1].update(amount="-100"), "transfers.1.amount"),
        (lambda d: d.update(loss_amount="-1"), "loss_amount"),
        (lambda d: d.update(victim_phone="abc"), "victim_phone"),
        (lambda d: d.update(unit="000000"), "unit"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(cast, api, mutate, field):
    payload = report_payload(cast)
    mutate(payload)
    errors = errors_of(post_report(api(cast.alice), payload))
    assert field in errors, errors
    assert not FraudReport.objects.exists()
    assert not Indicator.objects.exists()
    assert not PartnerRequest.objects.exists()


def test_wrong_enum_is_a_422(cast, api):
    response = post_report(api(cast.alice), report_payload(cast, fraud_type="nope"))
    assert response.status_code == 422


def test_partners_and_anonymous_cannot_register_or_read_reports(cast, api):
    assert post_report(session_client(None), report_payload(cast)).status_code == 401
    assert post_report(api(cast.dora), report_payload(cast)).status_code == 403
    report_id = post_report(api(cast.alice), report_payload(cast)).json()["id"]
    for user in (cast.dora, cast.charlie, cast.erin):
        client = api(user)
        assert client.get(f"{BASE}/reports/{report_id}").status_code == 404
        assert client.get(f"{BASE}/reports").json()["count"] == 0
    assert api(cast.ivan).get(f"{BASE}/reports/{report_id}").status_code == 200
    assert api(cast.frank).get(f"{BASE}/reports").json()["count"] == 1


def test_partner_desk_sees_and_answers_only_its_own_requests(cast, api):
    post_report(api(cast.alice), report_payload(cast))
    dora = api(cast.dora)
    listed = dora.get(f"{BASE}/requests").json()
    assert listed["count"] == 1
    mine = listed["items"][0]
    assert mine["indicator"] == CARD_1 and mine["amount_requested"] == "30000.00"
    theirs = PartnerRequest.objects.get(indicator__value=CARD_2)
    assert dora.get(f"{BASE}/requests/{theirs.pk}").status_code == 404
    answer = Call(
        "post", f"{BASE}/requests/{theirs.pk}/answer", json={"done": True, "amount_frozen": "1"}
    )
    assert answer.send(dora).status_code == 404
    ok = Call(
        "post",
        f"{BASE}/requests/{mine['id']}/answer",
        json={"done": True, "amount_frozen": "29000", "partner_reference": "BK-77"},
    ).send(dora)
    assert ok.status_code == 200, ok.content
    assert ok.json()["state"] == "done" and ok.json()["amount_frozen"] == "29000.00"
    again = Call(
        "post", f"{BASE}/requests/{mine['id']}/answer", json={"done": False, "failure_reason": "x"}
    )
    assert again.send(dora).status_code == 422
    event = AuditEvent.objects.get(action="fraud.request_answered")
    assert event.channel == "api" and event.actor == cast.dora
    # The centre sees the answer in the report.
    report = api(cast.alice).get(f"{BASE}/reports").json()["items"][0]
    assert Decimal(report["frozen_amount"]) == Decimal("29000")
    # The carrier's desk sees only the 中国移动 number's block; the other bank nothing of dora's.
    assert api(cast.gina).get(f"{BASE}/requests").json()["count"] == 1
    hank = api(cast.hank).get(f"{BASE}/requests").json()
    assert [r["indicator"] for r in hank["items"]] == [CARD_2]
    # Another district's police see none of it.
    assert api(cast.charlie).get(f"{BASE}/requests").json()["count"] == 0
    assert api(cast.charlie).get(f"{BASE}/requests/{mine['id']}").status_code == 404


def test_negative_frozen_amount_is_refused(cast, api):
    post_report(api(cast.alice), report_payload(cast))
    req = PartnerRequest.objects.get(organisation=cast.bank)
    call = Call(
        "post", f"{BASE}/requests/{req.pk}/answer", json={"done": True, "amount_frozen": "-5"}
    )
    assert "amount_frozen" in errors_of(call.send(api(cast.dora)))


def test_request_filters(cast, api):
    post_report(api(cast.alice), report_payload(cast))
    alice = api(cast.alice)
    assert alice.get(f"{BASE}/requests?type=freeze").json()["count"] == 2
    assert alice.get(f"{BASE}/requests?type=block_phone,freeze").json()["count"] == 4
    assert alice.get(f"{BASE}/requests?late=true").json()["count"] == 0
    assert alice.get(f"{BASE}/requests?type=bogus").status_code == 422


def test_blocklist_lookup_and_partner_export(cast, api):
    post_report(api(cast.alice), report_payload(cast))
    dora = api(cast.dora)
    unknown = dora.get(f"{BASE}/blocklist/lookup", {"value": "13700000000"}).json()
    assert unknown["known"] is False and unknown["kind"] == "phone"
    known = dora.get(f"{BASE}/blocklist/lookup", {"value": "138 1234 5678"}).json()
    assert known["known"] is True and known["confirmed"] is False
    assert known["value"] == "+8613812345678" and known["report_count"] == 1
    assert known["references"] == []  # the police's case references are not for a bank
    police = api(cast.alice).get(f"{BASE}/blocklist/lookup", {"value": "138 1234 5678"}).json()
    assert police["references"][0].startswith("ZP")
    bad = dora.get(f"{BASE}/blocklist/lookup", {"value": "4111111111111112", "kind": "bank_card"})
    assert bad.status_code == 422
    for value in ("+8613812345678", CARD_1):
        ind = Indicator.objects.get(value=value)
        do_confirm_indicator(ind, note="查实", actor=cast.ivan)
    rows = list(
        csv.reader(
            io.StringIO(b"".join(dora.get(f"{BASE}/blocklist.csv").streaming_content).decode())
        )
    )
    assert rows[0] == ["kind", "value", "confirmed_at", "report_count"]
    assert [r[:2] for r in rows[1:]] == [["bank_card", CARD_1]]  # a bank gets accounts only
    carrier_rows = b"".join(api(cast.gina).get(f"{BASE}/blocklist.csv").streaming_content)
    assert b"+8613812345678" in carrier_rows and CARD_1.encode() not in carrier_rows
    assert AuditEvent.objects.filter(action="fraud.blocklist_export").count() == 2
    assert api(cast.erin).get(f"{BASE}/blocklist/lookup", {"value": "x.com"}).status_code == 403


def test_confirm_indicator_over_the_api_is_scoped(cast, api):
    post_report(api(cast.alice), report_payload(cast))
    ind = Indicator.objects.get(value=CARD_1)
    path = f"{BASE}/indicators/{ind.pk}/confirm"
    assert Call("post", path, json={"note": "x"}).send(api(cast.charlie)).status_code == 404
    assert Call("post", path, json={"note": "x"}).send(api(cast.dora)).status_code == 404
    response = Call("post", path, json={"note": "ZP 查实"}).send(api(cast.alice))
    assert response.status_code == 200 and response.json()["confirmed"] is True


def test_session_api_needs_csrf(cast, api):
    client = session_client(cast.alice, enforce_csrf=True)
    assert post_report(client, report_payload(cast)).status_code == 403
