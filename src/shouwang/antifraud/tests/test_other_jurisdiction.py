"""The other-jurisdiction case of every anti-fraud list, detail and graph, with data on both
sides: station A (alice) and station B (charlie) each register reports, and the two stations'
reports share a phone number, so every page that follows links between reports (linked reports,
the network graph, clusters, the indicator page) could pull in the other station's report. The
city analyst (ivan) sees both: the positive control that the link is really there. Partner desks
see only their own organisation's requests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from shouwang.antifraud.actions import do_register_report, do_submit_public_report
from shouwang.antifraud.choices import RequestState
from shouwang.antifraud.intake import parse_public_report, parse_report
from shouwang.antifraud.models import FraudReport, Indicator, PartnerRequest
from shouwang.antifraud.normalise import with_luhn
from shouwang.antifraud.stats import dashboard
from shouwang.antifraud.tests.factories import CARD_1, CARD_2, PHONE_1, PHONE_2, report_payload
from shouwang.common.apitest import Call, session_client, token_client
from shouwang.common.testing import Cast
from shouwang.orgs.models import User

pytestmark = pytest.mark.django_db
API = "/api/v1/antifraud"

# Station B's own values; PHONE_1 is named by both stations' reports.
PHONE_B = "13911112222"
CARD_B = with_luhn("622202100000000099")
VICTIM_A = "王小明"
VICTIM_B = "李西门"


@dataclass
class Both:
    a: FraudReport  # station A: PHONE_1, PHONE_2, CARD_1 (bank), CARD_2 (other bank)
    a2: FraudReport  # station A: PHONE_2, clusters with `a`
    b: FraudReport  # station B: PHONE_1 (shared with `a`), PHONE_B, CARD_B (bank)
    b2: FraudReport  # station B: PHONE_B, clusters with `b`


_CLIENTS: dict[int, Client] = {}


@pytest.fixture(autouse=True)
def _fresh_clients() -> Iterator[None]:
    _CLIENTS.clear()
    yield
    _CLIENTS.clear()


def api_client(user: User) -> Client:
    """One token client per user and test (a user's token names are unique)."""
    if user.pk not in _CLIENTS:
        _CLIENTS[user.pk] = token_client(user)
    return _CLIENTS[user.pk]


@pytest.fixture
def both(cast: Cast) -> Both:
    a = do_register_report(parse_report(report_payload(cast)), actor=cast.alice)
    a2 = do_register_report(
        parse_report(
            report_payload(
                cast,
                loss_amount="100.00",
                indicators=[{"kind": "phone", "value": PHONE_2}],
                transfers=[],
            )
        ),
        actor=cast.alice,
    )
    b_payload = report_payload(
        cast,
        loss_amount="77777.00",
        victim_name=VICTIM_B,
        indicators=[
            {"kind": "phone", "value": PHONE_1},
            {"kind": "phone", "value": PHONE_B},
        ],
    )
    b_payload["transfers"] = [
        {**b_payload["transfers"][0], "to_account": CARD_B, "amount": "7000.00"}
    ]
    b = do_register_report(parse_report(b_payload), actor=cast.charlie)
    b2 = do_register_report(
        parse_report(
            report_payload(
                cast,
                loss_amount="100.00",
                victim_name=VICTIM_B,
                indicators=[{"kind": "phone", "value": PHONE_B}],
                transfers=[],
            )
        ),
        actor=cast.charlie,
    )
    assert a.unit == cast.station_a and b.unit == cast.station_b
    return Both(a=a, a2=a2, b=b, b2=b2)


def _page(user: User, path: str, data: dict[str, Any] | None = None) -> str:
    response = session_client(user).get(path, data or {})
    assert response.status_code == 200, (user, path, response.status_code)
    return response.content.decode()


# --------------------------------------------------------------------------- report pages


def test_report_list_shows_only_each_stations_own_reports(cast: Cast, both: Both) -> None:
    alice = _page(cast.alice, "/antifraud/")
    charlie = _page(cast.charlie, "/antifraud/")
    assert both.a.reference in alice and both.a2.reference in alice
    assert both.b.reference not in alice and both.b2.reference not in alice
    assert both.b.reference in charlie and both.b2.reference in charlie
    assert both.a.reference not in charlie and both.a2.reference not in charlie
    # Filtering on the other station's unit (or an indicator they share) adds nothing.
    assert both.b.reference not in _page(cast.alice, "/antifraud/", {"unit": cast.station_b.code})
    ivan = _page(cast.ivan, "/antifraud/")
    assert both.a.reference in ivan and both.b.reference in ivan


def test_report_list_over_the_api_is_scoped(cast: Cast, both: Both) -> None:
    def ids(user: User, query: str = "") -> set[int]:
        body = api_client(user).get(f"{API}/reports{query}").json()
        return {item["id"] for item in body["items"]}

    assert ids(cast.alice) == {both.a.pk, both.a2.pk}
    assert ids(cast.charlie) == {both.b.pk, both.b2.pk}
    assert ids(cast.alice, f"?unit={cast.station_b.code}") == set()
    assert ids(cast.ivan) == {both.a.pk, both.a2.pk, both.b.pk, both.b2.pk}
    for user in (cast.dora, cast.hank, cast.gina):
        assert ids(user) == set()


def test_report_detail_network_and_materials_are_404_across_stations(
    cast: Cast, both: Both
) -> None:
    for mine, theirs, user in ((both.a, both.b, cast.alice), (both.b, both.a, cast.charlie)):
        client = session_client(user)
        api = api_client(user)
        for path in (f"/antifraud/{mine.pk}/", f"/antifraud/{mine.pk}/network.json"):
            assert client.get(path).status_code == 200, path
        for path in (f"/antifraud/{theirs.pk}/", f"/antifraud/{theirs.pk}/network.json"):
            assert client.get(path).status_code == 404, path
        assert api.get(f"{API}/reports/{mine.pk}").status_code == 200
        assert api.get(f"{API}/reports/{theirs.pk}").status_code == 404
        assert api.get(f"{API}/reports/{mine.pk}/materials").status_code == 200
        assert api.get(f"{API}/reports/{theirs.pk}/materials").status_code == 404
    for desk in (cast.dora, cast.hank):
        assert api_client(desk).get(f"{API}/reports/{both.a.pk}").status_code == 404
        assert session_client(desk).get(f"/antifraud/{both.a.pk}/").status_code in (403, 404)


def test_the_other_stations_report_cannot_be_closed_or_cancelled(cast: Cast, both: Both) -> None:
    charlie = session_client(cast.charlie)
    for step in ("close", "cancel"):
        response = charlie.post(f"/antifraud/{both.a.pk}/{step}/", {"note": "越权"})
        assert response.status_code == 404, step
    close = Call("post", f"{API}/reports/{both.a.pk}/close", json={"note": "越权"})
    assert close.send(api_client(cast.charlie)).status_code == 404
    both.a.refresh_from_db()
    assert both.a.is_open
    # Charlie closes his own.
    own = Call("post", f"{API}/reports/{both.b.pk}/close", json={"note": "办结"})
    assert own.send(api_client(cast.charlie)).status_code == 200
    both.b.refresh_from_db()
    assert not both.b.is_open


def test_a_public_report_at_the_city_is_hidden_from_stations_until_accepted(
    cast: Cast, both: Both
) -> None:
    data, phone = parse_public_report(
        {**report_payload(cast, victim_name="赵群众"), "contact_phone": "13900002222"}
    )
    public = do_submit_public_report(data, contact_phone=phone)
    for user in (cast.alice, cast.charlie):
        assert session_client(user).get(f"/antifraud/{public.pk}/").status_code == 404
        assert public.reference not in _page(user, "/antifraud/")
        response = session_client(user).post(
            f"/antifraud/{public.pk}/accept/", {"unit": user.unit.code if user.unit else ""}
        )
        assert response.status_code == 404
    session_client(cast.ivan).post(f"/antifraud/{public.pk}/accept/", {"unit": cast.station_a.code})
    public.refresh_from_db()
    assert public.unit == cast.station_a
    assert session_client(cast.alice).get(f"/antifraud/{public.pk}/").status_code == 200
    assert session_client(cast.charlie).get(f"/antifraud/{public.pk}/").status_code == 404


def test_registering_for_the_other_station_is_refused_without_a_report(
    cast: Cast, both: Both
) -> None:
    before = FraudReport.objects.count()
    page = session_client(cast.alice).post(
        "/antifraud/new/",
        {
            "fraud_type": "investment",
            "occurred_at": "2026-01-05T10:00",
            "loss_amount": "100",
            "channel": "desk",
            "unit": cast.station_b.code,
            "indicator-0-kind": "phone",
            "indicator-0-value": PHONE_B,
        },
    )
    assert page.status_code == 422 and "只能登记本辖区的报案" in page.content.decode()
    # The refusal names nothing of station B's report on the same number.
    assert both.b.reference not in page.content.decode()
    api = Call("post", f"{API}/reports", json={**report_payload(cast), "unit": cast.station_b.code})
    response = api.send(api_client(cast.alice))
    assert response.status_code == 422 and "unit" in response.json()["detail"]
    assert both.b.reference not in response.content.decode()
    assert FraudReport.objects.count() == before


# --------------------------------------------------------------------------- shared indicator


def test_linked_reports_show_only_the_own_stations_reports(cast: Cast, both: Both) -> None:
    """Reports A and B share PHONE_1: A's page lists no link to B for alice, and the reverse."""
    alice = _page(cast.alice, f"/antifraud/{both.a.pk}/")
    assert both.b.reference not in alice and VICTIM_B not in alice and PHONE_B not in alice
    charlie = _page(cast.charlie, f"/antifraud/{both.b.pk}/")
    assert both.a.reference not in charlie and VICTIM_A not in charlie and CARD_1 not in charlie
    # The city sees the link.
    assert both.b.reference in _page(cast.ivan, f"/antifraud/{both.a.pk}/")


def _graph(user: User, report: FraudReport) -> dict[str, Any]:
    response = session_client(user).get(f"/antifraud/{report.pk}/network.json")
    assert response.status_code == 200
    graph: dict[str, Any] = response.json()
    return graph


def test_network_graph_does_not_pull_in_the_other_stations_reports(cast: Cast, both: Both) -> None:
    names = {n["name"] for n in _graph(cast.alice, both.a)["nodes"]}
    assert {
        both.a.reference,
        both.a2.reference,
        f"+86{PHONE_1}",
    } <= names  # the own station's link through PHONE_2
    assert both.b.reference not in names and both.b2.reference not in names
    assert f"+86{PHONE_B}" not in names and CARD_B not in names
    body = json.dumps(_graph(cast.alice, both.a), ensure_ascii=False)
    assert VICTIM_B not in body and f"/antifraud/{both.b.pk}/" not in body
    names = {n["name"] for n in _graph(cast.charlie, both.b)["nodes"]}
    assert both.b2.reference in names
    assert both.a.reference not in names and both.a2.reference not in names
    assert CARD_1 not in names and CARD_2 not in names and f"+86{PHONE_2}" not in names
    # Through the shared phone the city's graph of A reaches B and B's other indicators.
    names = {n["name"] for n in _graph(cast.ivan, both.a)["nodes"]}
    assert both.b.reference in names and CARD_B in names and f"+86{PHONE_B}" in names


def test_clusters_join_only_the_own_stations_reports(cast: Cast, both: Both) -> None:
    alice = _page(cast.alice, "/antifraud/clusters/")
    assert both.a.reference in alice and both.a2.reference in alice
    assert both.b.reference not in alice and both.b2.reference not in alice
    assert f"+86{PHONE_B}" not in alice and VICTIM_B not in alice
    charlie = _page(cast.charlie, "/antifraud/clusters/")
    assert both.b.reference in charlie and both.b2.reference in charlie
    assert both.a.reference not in charlie and both.a2.reference not in charlie
    assert CARD_1 not in charlie and f"+86{PHONE_2}" not in charlie
    # For the city the shared phone makes one cluster of all four.
    ivan = _page(cast.ivan, "/antifraud/clusters/")
    assert all(r.reference in ivan for r in (both.a, both.a2, both.b, both.b2))


def test_the_shared_indicators_page_lists_only_the_own_stations_reports_and_requests(
    cast: Cast, both: Both
) -> None:
    shared = Indicator.objects.get(value=f"+86{PHONE_1}")
    assert shared.report_count == 2
    b_requests = list(both.b.requests.filter(indicator=shared))
    a_requests = list(both.a.requests.filter(indicator=shared))
    assert b_requests and a_requests
    alice = _page(cast.alice, f"/antifraud/indicators/{shared.pk}/")
    assert both.a.reference in alice and a_requests[0].reference in alice
    assert both.b.reference not in alice and VICTIM_B not in alice
    assert cast.station_b.name not in alice
    assert all(r.reference not in alice for r in b_requests)
    charlie = _page(cast.charlie, f"/antifraud/indicators/{shared.pk}/")
    assert both.b.reference in charlie and b_requests[0].reference in charlie
    assert both.a.reference not in charlie and cast.station_a.name not in charlie
    assert all(r.reference not in charlie for r in a_requests)
    ivan = _page(cast.ivan, f"/antifraud/indicators/{shared.pk}/")
    assert both.a.reference in ivan and both.b.reference in ivan
    # An indicator named only by the other station's report is a 404 (page and confirm API).
    only_b = Indicator.objects.get(value=CARD_B)
    assert session_client(cast.alice).get(f"/antifraud/indicators/{only_b.pk}/").status_code == 404
    post = session_client(cast.alice).post(
        f"/antifraud/indicators/{only_b.pk}/", {"step": "confirm", "note": "越权"}
    )
    assert post.status_code == 404
    confirm = Call("post", f"{API}/indicators/{only_b.pk}/confirm", json={"note": "越权"})
    assert confirm.send(api_client(cast.alice)).status_code == 404
    only_b.refresh_from_db()
    assert not only_b.is_confirmed
    assert (
        session_client(cast.charlie).get(f"/antifraud/indicators/{only_b.pk}/").status_code == 200
    )


# --------------------------------------------------------------------------- dashboard


def test_dashboard_counts_and_ranking_cover_only_the_own_station(cast: Cast, both: Both) -> None:
    alice = _page(cast.alice, "/antifraud/dashboard/")
    assert "58,100" in alice or "58100" in alice
    assert "77,777" not in alice and "77777" not in alice and "135,877" not in alice
    assert cast.station_a.name in alice and cast.station_b.name not in alice
    charlie = _page(cast.charlie, "/antifraud/dashboard/")
    assert "77,877" in charlie or "77877" in charlie
    assert "58,100" not in charlie and "58100" not in charlie
    assert cast.station_b.name in charlie and cast.station_a.name not in charlie
    figures = dashboard(cast.alice)
    assert figures.reports_period == 2 and figures.requests_open == both.a.requests.count() + 1
    assert [r.label for r in figures.by_unit] == [cast.station_a.name]
    city = dashboard(cast.ivan)
    assert city.reports_period == 4
    assert {r.label for r in city.by_unit} == {cast.station_a.name, cast.station_b.name}


def test_dashboard_frozen_sum_counts_only_the_own_stations_answers(cast: Cast, both: Both) -> None:
    from shouwang.antifraud.actions import do_answer_request

    b_freeze = both.b.requests.get(indicator__value=CARD_B)
    do_answer_request(b_freeze, done=True, amount_frozen="7000", actor=cast.dora)
    assert dashboard(cast.alice).frozen == 0
    assert dashboard(cast.charlie).frozen == 7000
    assert "7,000" not in _page(cast.alice, "/antifraud/dashboard/")


# --------------------------------------------------------------------------- requests and desks


def test_police_desk_list_and_request_steps_are_scoped(cast: Cast, both: Both) -> None:
    a_req = both.a.requests.order_by("pk").first()
    b_req = both.b.requests.order_by("pk").first()
    assert a_req is not None and b_req is not None
    alice = _page(cast.alice, "/antifraud/desk/")
    assert a_req.reference in alice and b_req.reference not in alice
    charlie = _page(cast.charlie, "/antifraud/desk/")
    assert b_req.reference in charlie and a_req.reference not in charlie
    client = session_client(cast.charlie)
    assert client.get(f"/antifraud/desk/{a_req.pk}/").status_code == 404
    assert client.post(f"/antifraud/desk/{a_req.pk}/", {"outcome": "done"}).status_code == 404
    cancel = client.post(f"/antifraud/requests/{a_req.pk}/cancel/", {"reason": "越权"})
    assert cancel.status_code == 404
    answer = client.post(
        f"/antifraud/requests/{a_req.pk}/answer/", {"outcome": "failed", "failure_reason": "x"}
    )
    assert answer.status_code == 404
    api = api_client(cast.charlie)
    assert api.get(f"{API}/requests/{a_req.pk}").status_code == 404
    listed = {r["id"] for r in api.get(f"{API}/requests").json()["items"]}
    assert b_req.pk in listed and not listed & set(both.a.requests.values_list("pk", flat=True))
    for path, body in (
        (f"{API}/requests/{a_req.pk}/cancel", {"reason": "越权"}),
        (f"{API}/requests/{a_req.pk}/answer", {"done": False, "failure_reason": "越权"}),
    ):
        assert Call("post", path, json=body).send(api).status_code == 404, path
    a_req.refresh_from_db()
    assert a_req.state == RequestState.SENT
    # Charlie withdraws his own.
    own = client.post(f"/antifraud/requests/{b_req.pk}/cancel/", {"reason": "误报"})
    assert own.status_code == 302
    b_req.refresh_from_db()
    assert b_req.state == RequestState.CANCELLED


def _bank_requests(org_pk: int) -> list[PartnerRequest]:
    return list(PartnerRequest.objects.filter(organisation_id=org_pk).order_by("pk"))


def test_a_bank_desk_sees_its_requests_from_both_stations_and_nothing_of_another_bank(
    cast: Cast, both: Both
) -> None:
    """Dora's bank holds CARD_1 (station A) and CARD_B (station B); hank's bank CARD_2."""
    dora_reqs = _bank_requests(cast.bank.pk)
    hank_reqs = _bank_requests(cast.other_bank.pk)
    assert {r.report_id for r in dora_reqs} == {both.a.pk, both.b.pk}
    assert [r.indicator.value for r in hank_reqs] == [CARD_2]
    page = _page(cast.dora, "/antifraud/desk/")
    assert CARD_1 in page and CARD_B in page
    assert CARD_2 not in page and f"+86{PHONE_B}" not in page
    assert VICTIM_A not in page and VICTIM_B not in page
    hank_page = _page(cast.hank, "/antifraud/desk/")
    assert CARD_2 in hank_page and CARD_1 not in hank_page and CARD_B not in hank_page
    dora, hank = session_client(cast.dora), session_client(cast.hank)
    for req in dora_reqs:
        assert dora.get(f"/antifraud/desk/{req.pk}/").status_code == 200
        assert hank.get(f"/antifraud/desk/{req.pk}/").status_code == 404
        answer = hank.post(f"/antifraud/desk/{req.pk}/", {"outcome": "done", "amount_frozen": "1"})
        assert answer.status_code == 404
    for req in hank_reqs:
        assert dora.get(f"/antifraud/desk/{req.pk}/").status_code == 404
    # The same over the API, the carrier's desk included.
    for user, own in ((cast.dora, dora_reqs), (cast.hank, hank_reqs)):
        api = api_client(user)
        listed = {r["id"] for r in api.get(f"{API}/requests").json()["items"]}
        assert listed == {r.pk for r in own}
    carrier = {r["id"] for r in api_client(cast.gina).get(f"{API}/requests").json()["items"]}
    assert carrier and carrier.isdisjoint({r.pk for r in dora_reqs + hank_reqs})
    hank_api = api_client(cast.hank)
    target = dora_reqs[0]
    assert hank_api.get(f"{API}/requests/{target.pk}").status_code == 404
    api_answer = Call(
        "post", f"{API}/requests/{target.pk}/answer", json={"done": True, "amount_frozen": "1"}
    )
    assert api_answer.send(hank_api).status_code == 404
    target.refresh_from_db()
    assert target.state == RequestState.SENT
    # A desk reads no report, no indicator page, no graph, no cluster and no dashboard.
    for path in (
        f"/antifraud/{both.a.pk}/",
        f"/antifraud/{both.b.pk}/network.json",
        f"/antifraud/indicators/{target.indicator_id}/",
        "/antifraud/clusters/",
        "/antifraud/dashboard/",
        "/antifraud/",
    ):
        assert dora.get(path).status_code in (403, 404), path


def test_anonymous_reaches_none_of_it(both: Both) -> None:
    client = Client()
    for path in ("/antifraud/", f"/antifraud/{both.a.pk}/", "/antifraud/desk/"):
        assert client.get(path).status_code == 302, path
    assert client.get(f"{API}/reports").status_code == 401
