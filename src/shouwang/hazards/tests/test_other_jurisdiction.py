"""The other-jurisdiction case of every hazard page and endpoint not already covered elsewhere.

Each test puts data on both sides (station A under Alice, station B under Charlie; Erin's
company and the other company) and asserts that each side sees its own and not the other's,
including through the indirect paths: filter drop-downs, map layers, counts on the dashboard
and on a city-wide campaign, object ids named in request bodies, and evidence files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shouwang.cases.actions import do_grade_case
from shouwang.cases.choices import CaseState, EvidenceStage
from shouwang.cases.models import Evidence
from shouwang.cases.queries import assignable_organisations
from shouwang.common.apitest import Call, errors_of, session_client
from shouwang.common.testing import POINT_A, POINT_B, Cast, make_jpeg
from shouwang.hazards.actions import (
    do_assign_hazard,
    do_create_campaign,
    do_create_premises,
    do_register_hazard,
)
from shouwang.hazards.choices import HazardCategory, HazardGrade, PremisesType
from shouwang.hazards.models import Campaign, CampaignCheck, Hazard, Premises
from shouwang.orgs.actions import do_create_organisation
from shouwang.orgs.choices import OrganisationKind
from shouwang.orgs.models import User

API = "/api/v1/hazards/"
EAST_TITLE = "东门仓库消防通道堵塞"
WEST_TITLE = "西门商铺电动车充电"
EAST_PREMISES = "东门五金仓库"
WEST_PREMISES = "西门纺织商铺"


def photo(name: str = "p.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_jpeg(), content_type="image/jpeg")


def register(actor: User, point: tuple[float, float], title: str, **kwargs: Any) -> Hazard:
    return do_register_hazard(
        actor=actor,
        title=title,
        category=HazardCategory.FIRE,
        description="通道堆放杂物",
        lat=point[0],
        lon=point[1],
        **kwargs,
    )


@dataclass
class Sides:
    cast: Cast
    east: Hazard  # station A, assigned to Erin's company, with a photo
    west: Hazard  # station B, assigned to the other company, with a photo
    east_premises: Premises
    west_premises: Premises
    east_campaign: Campaign
    west_campaign: Campaign


@pytest.fixture
def sides(cast: Cast) -> Sides:
    east_premises = do_create_premises(
        actor=cast.alice, name=EAST_PREMISES, type=PremisesType.SHOP, unit=cast.grid_a
    )
    west_premises = do_create_premises(
        actor=cast.charlie, name=WEST_PREMISES, type=PremisesType.SHOP, unit=cast.grid_b
    )
    east_campaign = do_create_campaign(
        actor=cast.alice,
        name="东门夏季排查",
        unit=cast.station_a,
        scope_units=[cast.grid_a],
        premises_types=[],
        starts_on=date(2020, 1, 1),
        ends_on=date(2099, 12, 31),
    )
    west_campaign = do_create_campaign(
        actor=cast.charlie,
        name="西门夏季排查",
        unit=cast.station_b,
        scope_units=[cast.grid_b],
        premises_types=[],
        starts_on=date(2020, 1, 1),
        ends_on=date(2099, 12, 31),
    )
    east = register(cast.bob, POINT_A, EAST_TITLE, photos=[photo("east.jpg")])
    west = register(cast.charlie, POINT_B, WEST_TITLE, photos=[photo("west.jpg")])
    do_grade_case(east, grade=HazardGrade.GENERAL, actor=cast.alice)
    do_grade_case(west, grade=HazardGrade.GENERAL, actor=cast.charlie)
    do_assign_hazard(east, requirement="清理", organisation=cast.company, actor=cast.alice)
    do_assign_hazard(west, requirement="清理", organisation=cast.other_company, actor=cast.charlie)
    return Sides(cast, east, west, east_premises, west_premises, east_campaign, west_campaign)


def client_for(user: User) -> Client:
    return session_client(user)


def body_of(response: Any) -> str:
    return str(response.content.decode())


# --- list filters and the map --------------------------------------------------------------


@pytest.mark.parametrize("name", ["hazard-list", "hazard-map"])
def test_the_filter_drop_downs_offer_only_the_own_campaigns_and_units(
    sides: Sides, name: str
) -> None:
    cast = sides.cast
    for user, own, other, own_unit, other_unit in [
        (cast.charlie, sides.west_campaign, sides.east_campaign, cast.station_b, cast.station_a),
        (cast.alice, sides.east_campaign, sides.west_campaign, cast.station_a, cast.station_b),
    ]:
        response = client_for(user).get(reverse(f"hazards:{name}"))
        assert response.status_code == 200
        campaigns = {c.pk for c in response.context["campaigns"]}
        units = {u.pk for u in response.context["units"]}
        assert own.pk in campaigns and other.pk not in campaigns
        assert own_unit.pk in units and other_unit.pk not in units
        assert other.name not in body_of(response)


def test_the_list_filtered_by_the_other_units_code_or_campaign_is_empty(sides: Sides) -> None:
    cast = sides.cast
    client = client_for(cast.charlie)
    url = reverse("hazards:hazard-list")
    own = client.get(url, {"unit": cast.station_b.code, "q": "商铺"})
    assert own.status_code == 200 and own.context["page"].paginator.count == 1
    for params in (
        {"unit": cast.station_a.code},
        {"campaign": str(sides.east_campaign.pk)},
        {"q": "东门仓库"},
    ):
        response = client.get(url, params)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 0
        assert EAST_TITLE not in body_of(response)


def test_the_hazard_geojson_holds_only_the_own_side(sides: Sides) -> None:
    url = reverse("hazards:hazard-geojson")
    for user, own, other in [
        (sides.cast.alice, sides.east, sides.west),
        (sides.cast.charlie, sides.west, sides.east),
    ]:
        features = client_for(user).get(url).json()["features"]
        assert [f["id"] for f in features] == [own.pk]
        assert other.title not in json.dumps(features, ensure_ascii=False)
    filtered = client_for(sides.cast.charlie).get(url, {"unit": sides.cast.grid_a.code}).json()
    assert filtered["features"] == []


def test_the_unit_geojson_draws_only_the_own_grids(sides: Sides) -> None:
    url = reverse("hazards:unit-geojson")
    for user, own, other in [
        (sides.cast.charlie, sides.cast.grid_b, sides.cast.grid_a),
        (sides.cast.alice, sides.cast.grid_a, sides.cast.grid_b),
    ]:
        codes = [f["properties"]["code"] for f in client_for(user).get(url).json()["features"]]
        assert codes == [own.code]
        assert other.code not in codes


# --- registration: premises and campaigns named by id --------------------------------------


def test_the_register_form_offers_only_the_own_premises_campaigns_and_grids(sides: Sides) -> None:
    response = client_for(sides.cast.charlie).get(reverse("hazards:hazard-register"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["premises"].queryset) == [sides.west_premises]
    assert list(form.fields["campaign"].queryset) == [sides.west_campaign]
    assert list(form.fields["unit"].queryset) == [sides.cast.grid_b]
    body = body_of(response)
    assert EAST_PREMISES not in body and sides.east_campaign.name not in body


@pytest.mark.parametrize("field", ["premises", "campaign"])
def test_registering_with_the_other_sides_premises_or_campaign_is_refused_without_naming_it(
    sides: Sides, field: str
) -> None:
    other: Premises | Campaign = sides.east_premises if field == "premises" else sides.east_campaign
    before = Hazard.objects.count()
    data = {
        "title": "楼道堆物",
        "category": "fire",
        "description": "楼道堆放杂物",
        "lat": POINT_B[0],
        "lon": POINT_B[1],
        field: other.pk,
    }
    response = client_for(sides.cast.charlie).post(reverse("hazards:hazard-register"), data)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert other.name not in body_of(response)
    # The own side's object is accepted: the refusal is about scope, not the field.
    own: Premises | Campaign = sides.west_premises if field == "premises" else sides.west_campaign
    ok = client_for(sides.cast.charlie).post(
        reverse("hazards:hazard-register"), {**data, field: own.pk}
    )
    assert ok.status_code == 302
    assert Hazard.objects.count() == before + 1


@pytest.mark.parametrize("field", ["premises", "campaign"])
def test_the_api_refuses_the_other_sides_premises_or_campaign_without_naming_it(
    sides: Sides, field: str
) -> None:
    other: Premises | Campaign = sides.east_premises if field == "premises" else sides.east_campaign
    own: Premises | Campaign = sides.west_premises if field == "premises" else sides.west_campaign
    payload = {
        "title": "楼道堆物",
        "category": "fire",
        "description": "楼道堆放杂物",
        "lat": POINT_B[0],
        "lon": POINT_B[1],
    }
    client = client_for(sides.cast.charlie)
    before = Hazard.objects.count()
    refused = Call("post", API, json={**payload, field: other.pk}).send(client)
    assert field in errors_of(refused)
    assert other.name not in refused.content.decode()
    assert Hazard.objects.count() == before
    accepted = Call("post", API, json={**payload, field: own.pk}).send(client)
    assert accepted.status_code == 201, accepted.content


# --- API: correcting and assigning across the boundary --------------------------------------


def test_the_api_patch_of_the_other_sides_hazard_is_404_and_changes_nothing(sides: Sides) -> None:
    # Call.send only knows get and post; a PATCH is sent by hand.
    client = client_for(sides.cast.charlie)
    refused = client.patch(
        f"{API}{sides.east.pk}", data=json.dumps({"title": "改掉"}), content_type="application/json"
    )
    assert refused.status_code == 404
    assert Hazard.objects.get(pk=sides.east.pk).title == EAST_TITLE
    own = client.patch(
        f"{API}{sides.west.pk}",
        data=json.dumps({"title": "西门改名"}),
        content_type="application/json",
    )
    assert own.status_code == 200, own.content
    assert Hazard.objects.get(pk=sides.west.pk).title == "西门改名"


def test_the_api_patch_refuses_the_other_sides_premises_without_naming_it(sides: Sides) -> None:
    client = client_for(sides.cast.alice)
    refused = client.patch(
        f"{API}{sides.east.pk}",
        data=json.dumps({"premises": sides.west_premises.pk}),
        content_type="application/json",
    )
    assert "premises" in errors_of(refused)
    assert WEST_PREMISES not in refused.content.decode()
    assert Hazard.objects.get(pk=sides.east.pk).premises is None
    ok = client.patch(
        f"{API}{sides.east.pk}",
        data=json.dumps({"premises": sides.east_premises.pk}),
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert Hazard.objects.get(pk=sides.east.pk).premises == sides.east_premises


@pytest.mark.parametrize("field", ["unit", "user", "organisation"])
def test_the_api_refuses_to_assign_to_the_other_side(sides: Sides, field: str) -> None:
    cast = sides.cast
    hazard = register(cast.bob, POINT_A, "东门灭火器过期")
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    others: dict[str, dict[str, object]] = {
        "unit": {"unit": cast.grid_b.code},
        "user": {"user": cast.charlie.username},
        "organisation": {"organisation": cast.other_company.pk},
    }
    body = others[field]
    client = client_for(cast.alice)
    refused = Call("post", f"{API}{hazard.pk}/assign", json={"requirement": "清理", **body}).send(
        client
    )
    assert field in errors_of(refused)
    text = refused.content.decode()
    assert cast.other_company.name not in text and cast.grid_b.name not in text
    assert Hazard.objects.get(pk=hazard.pk).state == CaseState.GRADED
    owns: dict[str, dict[str, object]] = {
        "unit": {"unit": cast.grid_a.code},
        "user": {"user": cast.bob.username},
        "organisation": {"organisation": cast.company.pk},
    }
    own = owns[field]
    ok = Call("post", f"{API}{hazard.pk}/assign", json={"requirement": "清理", **own}).send(client)
    assert ok.status_code == 200, ok.content


# --- companies ------------------------------------------------------------------------------


def test_a_company_lists_and_opens_only_its_own_assignments(sides: Sides) -> None:
    cast = sides.cast
    erin = client_for(cast.erin)
    listed = Call("get", API).send(erin).json()
    assert {h["id"] for h in listed["items"]} == {sides.east.pk} and listed["count"] == 1
    assert Call("get", f"{API}{sides.west.pk}").send(erin).status_code == 404
    assert Call("get", f"{API}{sides.east.pk}").send(erin).status_code == 200
    page = erin.get(reverse("hazards:hazard-detail", args=[sides.west.pk]))
    assert page.status_code == 404
    assert erin.get(reverse("hazards:hazard-detail", args=[sides.east.pk])).status_code == 200
    geo = erin.get(reverse("hazards:hazard-geojson")).json()
    assert [f["id"] for f in geo["features"]] == [sides.east.pk]


def test_a_company_uploads_evidence_only_to_its_own_assignments(sides: Sides) -> None:
    erin = client_for(sides.cast.erin)
    before = Evidence.objects.count()
    refused = Call(
        "post",
        f"{API}{sides.west.pk}/evidence",
        form={"stage": "after"},
        files={"file": photo("x.jpg")},
    ).send(erin)
    assert refused.status_code == 404
    assert Evidence.objects.count() == before
    ok = Call(
        "post",
        f"{API}{sides.east.pk}/evidence",
        form={"stage": "after"},
        files={"file": photo("y.jpg")},
    ).send(erin)
    assert ok.status_code == 201


# --- evidence files by guessable id --------------------------------------------------------


def _photo_of(hazard: Hazard) -> Evidence:
    return hazard.evidence.get(stage=EvidenceStage.BEFORE)


@pytest.mark.parametrize(
    ("name", "own", "other"),
    [
        ("alice", "east", "west"),
        ("charlie", "west", "east"),
        ("erin", "east", "west"),
    ],
)
def test_evidence_downloads_answer_404_for_the_other_side(
    sides: Sides, name: str, own: str, other: str
) -> None:
    client = client_for(getattr(sides.cast, name))
    own_photo = _photo_of(getattr(sides, own))
    other_photo = _photo_of(getattr(sides, other))
    url = "cases:evidence-download"
    assert client.get(reverse(url, args=[other_photo.pk])).status_code == 404
    assert client.get(reverse(url, args=[own_photo.pk])).status_code == 200


def test_the_api_detail_links_only_the_own_sides_evidence(sides: Sides) -> None:
    body = Call("get", f"{API}{sides.west.pk}").send(client_for(sides.cast.charlie)).json()
    urls = {e["url"] for e in body["evidence"]}
    assert urls == {reverse("cases:evidence-download", args=[_photo_of(sides.west).pk])}


# --- the dashboard --------------------------------------------------------------------------


def test_the_dashboard_counts_only_the_own_side(sides: Sides) -> None:
    cast = sides.cast
    register(cast.bob, POINT_A, "东门第二条")
    url = reverse("hazards:unit-dashboard")
    alice = client_for(cast.alice).get(url)
    charlie = client_for(cast.charlie).get(url)
    assert alice.status_code == charlie.status_code == 200
    assert alice.context["totals"].found_all == 2
    assert charlie.context["totals"].found_all == 1
    for response, other in [(alice, cast.district_b), (charlie, cast.district_a)]:
        ranked = [row.unit for row in response.context["board"].children if row.unit]
        assert all(not other.contains(u) for u in ranked)
    # The city auditor sees both: the figures are scoped, not missing.
    frank = client_for(cast.frank).get(url)
    assert frank.context["totals"].found_all == 3


@pytest.mark.parametrize("code", ["990100", "990102", "990102001001001"])
def test_the_dashboard_of_a_unit_outside_the_subtree_is_404(sides: Sides, code: str) -> None:
    url = reverse("hazards:unit-dashboard")
    assert client_for(sides.cast.charlie).get(url, {"unit": code}).status_code == 404
    own = client_for(sides.cast.charlie).get(url, {"unit": sides.cast.grid_b.code})
    assert own.status_code == 200 and own.context["totals"].found_all == 1


# --- a city-wide campaign: each station sees its own share --------------------------------


@pytest.fixture
def city_campaign(sides: Sides) -> Campaign:
    cast = sides.cast
    campaign = do_create_campaign(
        actor=cast.admin,
        name="全市消防排查",
        unit=cast.city,
        scope_units=[cast.city],
        premises_types=[],
        starts_on=date(2020, 1, 1),
        ends_on=date(2099, 12, 31),
    )
    register(cast.bob, POINT_A, "东门行动隐患", campaign=campaign)
    register(cast.charlie, POINT_B, "西门行动隐患", campaign=campaign)
    register(cast.charlie, POINT_B, "西门行动隐患二", campaign=campaign)
    return campaign


def test_a_city_campaigns_progress_counts_only_the_viewers_side(
    sides: Sides, city_campaign: Campaign
) -> None:
    url = f"{API}campaigns/{city_campaign.pk}"
    alice = Call("get", url).send(client_for(sides.cast.alice)).json()["progress"]
    charlie = Call("get", url).send(client_for(sides.cast.charlie)).json()["progress"]
    assert (alice["premises_in_scope"], alice["hazards_found"]) == (1, 1)
    assert (charlie["premises_in_scope"], charlie["hazards_found"]) == (1, 2)
    by_code = {row["unit"]["code"]: row for row in alice["units"] if row["unit"]}
    assert by_code[sides.cast.district_b.code]["hazards_found"] == 0
    assert by_code[sides.cast.district_b.code]["premises_in_scope"] == 0
    assert by_code[sides.cast.district_a.code]["hazards_found"] == 1


def test_a_city_campaigns_page_lists_only_the_viewers_hazards_and_premises(
    sides: Sides, city_campaign: Campaign
) -> None:
    response = client_for(sides.cast.alice).get(
        reverse("hazards:campaign-detail", args=[city_campaign.pk])
    )
    assert response.status_code == 200
    titles = {h.title for h, _grade in response.context["hazards"]}
    assert titles == {"东门行动隐患"}
    assert list(response.context["unchecked"]) == [sides.east_premises]
    body = body_of(response)
    assert "西门行动隐患" not in body and WEST_PREMISES not in body


def test_a_city_campaign_refuses_a_check_of_the_other_sides_premises(
    sides: Sides, city_campaign: Campaign
) -> None:
    client = client_for(sides.cast.alice)
    api = f"{API}campaigns/{city_campaign.pk}/checks"
    refused = Call("post", api, json={"premises": sides.west_premises.pk, "result": "ok"})
    response = refused.send(client)
    assert "premises" in errors_of(response)
    assert WEST_PREMISES not in response.content.decode()
    page = client.post(
        reverse("hazards:campaign-check", args=[city_campaign.pk]),
        {"premises": sides.west_premises.pk, "result": "ok"},
    )
    assert page.status_code == 400
    assert not CampaignCheck.objects.filter(premises=sides.west_premises).exists()
    ok = Call("post", api, json={"premises": sides.east_premises.pk, "result": "ok"}).send(client)
    assert ok.status_code == 201


def test_the_campaign_lists_show_each_side_its_own_and_the_city_campaign(
    sides: Sides, city_campaign: Campaign
) -> None:
    for user, own, other in [
        (sides.cast.alice, sides.east_campaign, sides.west_campaign),
        (sides.cast.charlie, sides.west_campaign, sides.east_campaign),
    ]:
        api = Call("get", f"{API}campaigns/").send(client_for(user)).json()
        assert {c["id"] for c in api["items"]} == {own.pk, city_campaign.pk}
        page = client_for(user).get(reverse("hazards:campaign-list"))
        assert {c.pk for c, _types in page.context["rows"]} == {own.pk, city_campaign.pk}
        assert other.name not in body_of(page)


def test_creating_a_campaign_for_the_other_side_is_refused(sides: Sides) -> None:
    cast = sides.cast
    before = Campaign.objects.count()
    data = {
        "name": "越界行动",
        "unit": cast.station_a.pk,
        "scope_units": [cast.grid_a.pk],
        "starts_on": "2030-01-01",
        "ends_on": "2030-01-31",
    }
    client = client_for(cast.charlie)
    response = client.post(reverse("hazards:campaign-create"), data)
    assert response.status_code == 400
    assert Campaign.objects.count() == before
    own = {**data, "unit": cast.station_b.pk, "scope_units": [cast.grid_b.pk]}
    assert client.post(reverse("hazards:campaign-create"), own).status_code == 302
    assert Campaign.objects.count() == before + 1


# --- the ledger: duplicates are looked for in the own unit only ----------------------------


def test_a_ledger_ref_used_by_the_other_side_is_not_a_duplicate_and_is_not_named(
    sides: Sides,
) -> None:
    import io

    from shouwang.hazards.actions_ledger import do_import_hazard_ledger

    cast = sides.cast
    Hazard.objects.filter(pk=sides.west.pk).update(ledger_ref="DM-0001")
    csv_text = (
        "台账编号,标题,隐患类别,隐患描述,发现时间,所在网格,地址,状态\n"
        f"DM-0001,东门新隐患,消防安全,通道堆物,2025-05-20,{cast.grid_a.code},东门路1号,待整改\n"
    )
    result = do_import_hazard_ledger(
        io.BytesIO(csv_text.encode("utf-8")),
        unit=cast.station_a,
        actor=cast.alice,
        filename="台账.csv",
    )
    assert result.ok, [e.message for e in result.errors]
    assert Hazard.objects.filter(ledger_ref="DM-0001", unit=cast.grid_a).count() == 1
    # Within the own unit the same reference is a duplicate.
    again = do_import_hazard_ledger(
        io.BytesIO(csv_text.encode("utf-8")),
        unit=cast.station_a,
        actor=cast.alice,
        filename="台账.csv",
    )
    assert not again.ok and "已存在" in again.errors[0].message
    assert WEST_TITLE not in again.errors[0].message


def test_the_assign_action_hands_cases_only_to_organisations_in_the_area(cast: Cast) -> None:
    """The rule is the action's, not only the form's and the API's: a company of another
    station, a bank or a carrier is refused; the area's company and a city-wide department
    (no location) are accepted."""
    department = do_create_organisation(
        name="市城管局", kind=OrganisationKind.DEPARTMENT, unit=None, actor=None
    )
    assert set(assignable_organisations(cast.alice)) == {cast.company, department}
    hazard = do_register_hazard(
        actor=cast.bob,
        title="消防通道堵塞",
        category=HazardCategory.FIRE,
        description="后门通道堆满纸箱",
        lat=POINT_A[0],
        lon=POINT_A[1],
    )
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    for outside in (cast.other_company, cast.bank, cast.carrier):
        with pytest.raises(ValidationError) as refused:
            do_assign_hazard(hazard, requirement="清理", organisation=outside, actor=cast.alice)
        assert "organisation" in refused.value.message_dict
    for inside in (cast.company, department):
        do_assign_hazard(hazard, requirement="清理", organisation=inside, actor=cast.alice)
        hazard.refresh_from_db()
        assert hazard.assignee_org == inside
