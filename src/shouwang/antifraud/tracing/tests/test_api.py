from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shouwang.antifraud.models import FraudReport, PartnerRequest
from shouwang.antifraud.tests.factories import CARD_1
from shouwang.antifraud.tracing.models import Statement, Trace, Transaction
from shouwang.antifraud.tracing.tests.statements import (
    BALANCE_HEADER,
    GAPS,
    MULE_1,
    MULE_2,
    as_csv,
    card_1_rows,
    card_1_with_gaps,
    mule_1_rows,
    register_report,
    save_mappings,
    with_balances,
)
from shouwang.audit.models import AuditEvent
from shouwang.common.apitest import Call, errors_of, session_client, token_client
from shouwang.common.testing import Cast
from shouwang.orgs.models import User

pytestmark = pytest.mark.django_db
BASE = "/api/v1/antifraud/trace"
Api = Callable[[User], Client]


@pytest.fixture
def api() -> Api:
    clients: dict[int, Client] = {}

    def client_for(user: User) -> Client:
        if user.pk not in clients:
            clients[user.pk] = token_client(user)
        return clients[user.pk]

    return client_for


@pytest.fixture
def report(cast: Cast) -> FraudReport:
    save_mappings(cast)
    return register_report(cast)


def upload(report: FraudReport, bank: int, name: str, content: bytes) -> Call:
    return Call(
        "post",
        f"{BASE}/reports/{report.pk}/statements",
        form={"organisation": bank},
        files={"file": SimpleUploadedFile(name, content)},
    )


def import_both(cast: Cast, report: FraudReport, client: Client) -> None:
    for name, rows in (("card1.csv", card_1_rows()), ("mule1.csv", mule_1_rows())):
        response = upload(report, cast.bank.pk, name, as_csv(rows)).send(client)
        assert response.status_code == 201, response.content


def trace_call(report: FraudReport, **params: object) -> Call:
    body = {"transfer": report.transfers.all()[0].pk, **params}
    return Call("post", f"{BASE}/reports/{report.pk}/traces", json=body)


def test_import_trace_read_and_freeze_over_the_api(
    cast: Cast, report: FraudReport, api: Api
) -> None:
    client = api(cast.ivan)
    import_both(cast, report, client)
    assert Transaction.objects.count() == 5
    response = trace_call(report, rule="fifo", max_hops=6, window_hours=72).send(client)
    assert response.status_code == 201, response.content
    body = response.json()
    ranked = [(r["account"], r["amount"], r["desk"]) for r in body["freeze_list"]]
    assert ranked == [
        (MULE_1, 15000.0, cast.bank.name),
        (MULE_2, 9000.0, cast.other_bank.name),
        (CARD_1, 1000.0, cast.bank.name),
    ]
    assert body["cashed_out"] == 5000.0
    assert body["flows"][0]["from_account"] == "6222********2222"
    again = client.get(f"{BASE}/traces/{body['id']}")
    assert again.status_code == 200
    assert {k: v for k, v in again.json().items() if k not in {"start_time", "created_at"}} == {
        k: v for k, v in body.items() if k not in {"start_time", "created_at"}
    }
    sent = Call("post", f"{BASE}/traces/{body['id']}/freezes", json={"top": 2}).send(client)
    assert sent.status_code == 201, sent.content
    requests = sent.json()
    assert [(r["indicator"], r["organisation"], r["source"]) for r in requests] == [
        (MULE_1, cast.bank.name, "trace"),
        (MULE_2, cast.other_bank.name, "trace"),
    ]
    desk = api(cast.dora).get("/api/v1/antifraud/requests").json()
    assert [r["indicator"] for r in desk["items"] if r["source"] == "trace"] == [MULE_1]
    assert AuditEvent.objects.filter(action="fraud.trace_run").count() == 1


def test_a_bad_statement_is_a_422_by_row_and_column(
    cast: Cast, report: FraudReport, api: Api
) -> None:
    rows = [*card_1_rows(), ["2026-03-02 10:15:00", CARD_1, "收", "十元", "x", "", "", "9"]]
    response = upload(report, cast.bank.pk, "bad.csv", as_csv(rows)).send(api(cast.ivan))
    assert errors_of(response)["file"][0].startswith("第 5 行，“金额”列：金额无法识别")
    assert not Transaction.objects.exists()
    unmapped = upload(report, cast.carrier.pk, "s.csv", as_csv(card_1_rows()))
    assert "organisation" in errors_of(unmapped.send(api(cast.ivan)))


def test_an_import_answers_with_its_balance_breaks(cast: Cast, api: Api) -> None:
    save_mappings(cast, balance=True)
    report = register_report(cast)
    client = api(cast.ivan)
    gaps = as_csv(card_1_with_gaps(), BALANCE_HEADER)
    response = upload(report, cast.bank.pk, "gaps.csv", gaps).send(client)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["balance_checked"] is True and body["balance_breaks"] == GAPS
    whole = as_csv(with_balances(mule_1_rows(), "80.00"), BALANCE_HEADER)
    body = upload(report, cast.bank.pk, "mule1.csv", whole).send(client).json()
    assert body["balance_checked"] is True and body["balance_breaks"] == []
    save_mappings(cast)  # the layout without the balance column
    body = upload(report, cast.bank.pk, "card1.csv", as_csv(card_1_rows())).send(client).json()
    assert body["balance_checked"] is False and body["balance_breaks"] == []


def test_a_bad_balance_is_a_422_by_row_and_column(cast: Cast, api: Api) -> None:
    save_mappings(cast, balance=True)
    report = register_report(cast)
    rows = with_balances(card_1_rows(), "5000.00")
    rows[1][-1] = "N/A"
    call = upload(report, cast.bank.pk, "bad.csv", as_csv(rows, BALANCE_HEADER))
    response = call.send(api(cast.ivan))
    assert response.status_code == 422
    assert errors_of(response)["file"] == ["第 3 行，“余额”列：金额无法识别（N/A）"]
    assert not Transaction.objects.exists() and not Statement.objects.exists()


def test_bad_trace_parameters_are_a_422(cast: Cast, report: FraudReport, api: Api) -> None:
    client = api(cast.ivan)
    import_both(cast, report, client)
    assert trace_call(report, rule="lifo").send(client).status_code == 422
    assert "max_hops" in errors_of(trace_call(report, max_hops=99).send(client))
    too_lax = trace_call(report, rule="match", match_fee_percent=50).send(client)
    assert too_lax.status_code == 422 and "match_fee_percent" in too_lax.content.decode()
    assert not Trace.objects.exists()


def test_a_match_trace_over_the_api_keeps_its_limits(
    cast: Cast, report: FraudReport, api: Api
) -> None:
    client = api(cast.ivan)
    import_both(cast, report, client)
    call = trace_call(report, rule="match", match_within_hours=96, match_fee_percent="2.5")
    body = call.send(client).json()
    assert (body["match_within_hours"], body["match_fee_percent"], body["match_skips"]) == (
        96,
        "2.5",
        2,
    )
    fifo = trace_call(report, rule="fifo").send(client).json()
    assert fifo["match_within_hours"] is None and fifo["match_skips"] is None


def test_other_jurisdiction_and_partners_get_404_on_every_endpoint(
    cast: Cast, report: FraudReport, api: Api
) -> None:
    import_both(cast, report, api(cast.ivan))
    trace_id = trace_call(report).send(api(cast.ivan)).json()["id"]
    calls = [
        upload(report, cast.bank.pk, "s.csv", as_csv(card_1_rows())),
        trace_call(report),
        Call("get", f"{BASE}/traces/{trace_id}"),
        Call("post", f"{BASE}/traces/{trace_id}/freezes", json={"top": 1}),
    ]
    for user in (cast.charlie, cast.dora, cast.hank):
        for call in calls:
            assert call.send(api(user)).status_code == 404, (user, call.path)
    for call in calls:
        assert call.send(session_client(None)).status_code == 401
    assert Transaction.objects.count() == 5 and Trace.objects.count() == 1
    assert not PartnerRequest.objects.filter(source="trace").exists()


def test_an_officer_who_may_see_but_not_trace_gets_403(
    cast: Cast, report: FraudReport, api: Api
) -> None:
    response = upload(report, cast.bank.pk, "s.csv", as_csv(card_1_rows())).send(api(cast.carol))
    assert response.status_code == 403
    assert not Transaction.objects.exists()
