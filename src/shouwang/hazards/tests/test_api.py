from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shouwang.audit.models import AuditEvent
from shouwang.cases.actions import (
    do_add_evidence,
    do_grade_case,
    do_submit_case,
    do_verify_case,
)
from shouwang.cases.choices import CaseState, EvidenceStage
from shouwang.cases.models import Evidence
from shouwang.common.apitest import Call, errors_of, session_client
from shouwang.common.testing import POINT_A, POINT_B, Cast, make_jpeg
from shouwang.hazards.actions import (
    do_assign_hazard,
    do_create_campaign,
    do_create_premises,
    do_record_check,
    do_register_hazard,
)
from shouwang.hazards.choices import HazardCategory, HazardGrade, PremisesType
from shouwang.hazards.models import Campaign, CampaignCheck, Hazard, Premises
from shouwang.hazards.views.forms import parse_filter
from shouwang.hazards.views.pages import list_queryset

API = "/api/v1/hazards/"


def photo(name: str = "p.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_jpeg(), content_type="image/jpeg")


@dataclass
class World:
    """Station A's register with a hazard in every state the endpoints need."""

    cast: Cast
    registered: Hazard
    graded: Hazard
    assigned: Hazard
    submitted: Hazard
    closed: Hazard
    campaign: Campaign
    premises: Premises

    def all(self) -> list[Hazard]:
        return [self.registered, self.graded, self.assigned, self.submitted, self.closed]


def _register(cast: Cast, title: str, **kwargs: Any) -> Hazard:
    fields: dict[str, Any] = {
        "actor": cast.bob,
        "category": HazardCategory.FIRE,
        "description": "仓库后门消防通道堆放纸箱",
        "lat": POINT_A[0],
        "lon": POINT_A[1],
        "responsible_contact": "王小明",
        "responsible_phone": "13912345678",
    }
    return do_register_hazard(title=title, **{**fields, **kwargs})


def _to_assigned(cast: Cast, title: str) -> Hazard:
    hazard = _register(cast, title)
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    do_assign_hazard(hazard, requirement="清理通道", organisation=cast.company, actor=cast.alice)
    do_add_evidence(hazard, upload=photo("after.jpg"), stage=EvidenceStage.AFTER, actor=cast.erin)
    return hazard


@pytest.fixture
def world(cast: Cast) -> World:
    registered = _register(cast, "消防通道堵塞", photos=[photo()])
    graded = _register(cast, "灭火器过期")
    do_grade_case(graded, grade=HazardGrade.GENERAL, actor=cast.alice)
    assigned = _to_assigned(cast, "电动车违规充电")
    submitted = _to_assigned(cast, "疏散指示灯损坏")
    do_submit_case(submitted, actor=cast.erin)
    closed = _to_assigned(cast, "安全出口上锁")
    do_submit_case(closed, actor=cast.erin)
    do_verify_case(closed, actor=cast.alice)
    premises = do_create_premises(
        actor=cast.bob, name="东门五金厂", type=PremisesType.FACTORY, unit=cast.grid_a
    )
    campaign = do_create_campaign(
        actor=cast.alice,
        name="夏季消防排查",
        unit=cast.station_a,
        scope_units=[cast.community_a],
        premises_types=[PremisesType.FACTORY],
        starts_on=date(2020, 1, 1),
        ends_on=date(2099, 12, 31),
    )
    return World(cast, registered, graded, assigned, submitted, closed, campaign, premises)


def ids(response: Any) -> set[int]:
    return {item["id"] for item in response.json()["items"]}


# --- the four cases of every endpoint -------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    name: str
    call: Callable[[World], Call]
    actor: str  # the cast member who may call it
    status: int  # their status
    effect: Callable[[World, Any], None]  # what their call changed or returned
    outsider: int  # dora, the bank desk: sees and may do nothing
    stranger: int  # charlie, station chief of the other district
    is_list: bool = False


def _state(hazard: Hazard) -> str:
    return Hazard.objects.get(pk=hazard.pk).state


def _lists_all(w: World, r: Any) -> None:
    assert {h.pk for h in w.all()} <= ids(r)
    assert r.json()["count"] == len(w.all())


def _registered(w: World, r: Any) -> None:
    hazard = Hazard.objects.get(pk=r.json()["id"])
    assert hazard.unit == w.cast.grid_a and hazard.created_by == w.cast.bob
    assert AuditEvent.objects.filter(action="hazard.register", object_id=str(hazard.pk)).exists()


def _detail(w: World, r: Any) -> None:
    body = r.json()
    assert body["reference"] == w.registered.reference
    assert [t["action"] for t in body["transitions"]][:2] == ["register", "evidence"]
    assert body["evidence"][0]["url"] == f"/cases/evidence/{body['evidence'][0]['id']}/"
    assert body["responsible_phone"] == "139****5678"
    assert body["responsible_contact"] == "王*明"


def _graded(w: World, r: Any) -> None:
    hazard = Hazard.objects.get(pk=w.registered.pk)
    assert (hazard.state, hazard.grade) == (CaseState.GRADED, HazardGrade.MAJOR)
    assert hazard.deadline is not None
    assert hazard.deadline - timezone.now() > timedelta(days=29)
    assert r.json()["grade_label"] == "重大"


def _assigned(w: World, r: Any) -> None:
    hazard = Hazard.objects.get(pk=w.graded.pk)
    assert hazard.state == CaseState.ASSIGNED
    assert hazard.assignee_org == w.cast.company and hazard.requirement == "三日内清理"
    assert r.json()["assignee"]["organisation"]["name"] == w.cast.company.name


def _evidence_added(w: World, r: Any) -> None:
    evidence = Evidence.objects.get(pk=r.json()["id"])
    assert (evidence.case_id, evidence.stage) == (w.assigned.pk, EvidenceStage.AFTER)
    assert evidence.uploaded_by == w.cast.erin


def _in_state(attr: str, state: str) -> Callable[[World, Any], None]:
    def check(w: World, r: Any) -> None:
        assert _state(getattr(w, attr)) == state
        assert r.json()["state"] == state

    return check


def _lists_campaign(w: World, r: Any) -> None:
    assert ids(r) == {w.campaign.pk}


def _campaign_detail(w: World, r: Any) -> None:
    assert r.json()["progress"]["premises_in_scope"] == 1
    assert r.json()["scope_units"][0]["code"] == w.cast.community_a.code


def _campaign_created(w: World, r: Any) -> None:
    campaign = Campaign.objects.get(pk=r.json()["id"])
    assert campaign.name == "冬季防火检查" and list(campaign.scope_units.all()) == [w.cast.grid_a]


def _checked(w: World, r: Any) -> None:
    check = CampaignCheck.objects.get(pk=r.json()["id"])
    assert (check.campaign, check.premises, check.checked_by) == (
        w.campaign,
        w.premises,
        w.cast.bob,
    )


def _hazard_call(
    attr: str, action: str, body: dict[str, Any] | None = None
) -> Callable[[World], Call]:
    return lambda w: Call("post", f"{API}{getattr(w, attr).pk}/{action}", json=body or {})


ENDPOINTS = [
    Endpoint(
        "list",
        lambda w: Call("get", f"{API}?limit=50"),
        "alice",
        200,
        _lists_all,
        outsider=200,
        stranger=200,
        is_list=True,
    ),
    Endpoint(
        "register",
        lambda w: Call(
            "post",
            API,
            json={
                "title": "违规堆放易燃物",
                "category": "fire",
                "description": "楼道堆放纸箱",
                "lat": POINT_A[0],
                "lon": POINT_A[1],
            },
        ),
        "bob",
        201,
        _registered,
        outsider=403,
        stranger=422,
    ),
    Endpoint(
        "detail",
        lambda w: Call("get", f"{API}{w.registered.pk}"),
        "bob",
        200,
        _detail,
        outsider=404,
        stranger=404,
    ),
    Endpoint(
        "grade",
        _hazard_call("registered", "grade", {"grade": "major"}),
        "alice",
        200,
        _graded,
        outsider=404,
        stranger=404,
    ),
    Endpoint(
        "assign",
        lambda w: Call(
            "post",
            f"{API}{w.graded.pk}/assign",
            json={"requirement": "三日内清理", "organisation": w.cast.company.pk},
        ),
        "alice",
        200,
        _assigned,
        outsider=404,
        stranger=404,
    ),
    Endpoint(
        "evidence",
        lambda w: Call(
            "post",
            f"{API}{w.assigned.pk}/evidence",
            form={"stage": "after"},
            files={"file": photo("done.jpg")},
        ),
        "erin",
        201,
        _evidence_added,
        outsider=404,
        stranger=404,
    ),
    Endpoint(
        "submit",
        _hazard_call("assigned", "submit", {"note": "已清理"}),
        "erin",
        200,
        _in_state("assigned", CaseState.SUBMITTED),
        outsider=404,
        stranger=404,
    ),
    Endpoint(
        "verify",
        _hazard_call("submitted", "verify"),
        "alice",
        200,
        _in_state("submitted", CaseState.CLOSED),
        outsider=404,
        stranger=404,
    ),
    Endpoint(
        "reject",
        _hazard_call("submitted", "reject", {"note": "照片看不清"}),
        "alice",
        200,
        _in_state("submitted", CaseState.ASSIGNED),
        outsider=404,
        stranger=404,
    ),
    Endpoint(
        "reopen",
        _hazard_call("closed", "reopen", {"note": "复查发现再次堵塞"}),
        "alice",
        200,
        _in_state("closed", CaseState.ASSIGNED),
        outsider=404,
        stranger=404,
    ),
    Endpoint(
        "cancel",
        _hazard_call("registered", "cancel", {"reason": "重复登记"}),
        "alice",
        200,
        _in_state("registered", CaseState.CANCELLED),
        outsider=404,
        stranger=404,
    ),
    Endpoint(
        "campaign-list",
        lambda w: Call("get", f"{API}campaigns/"),
        "alice",
        200,
        _lists_campaign,
        outsider=200,
        stranger=200,
        is_list=True,
    ),
    Endpoint(
        "campaign-detail",
        lambda w: Call("get", f"{API}campaigns/{w.campaign.pk}"),
        "bob",
        200,
        _campaign_detail,
        outsider=404,
        stranger=404,
    ),
    Endpoint(
        "campaign-create",
        lambda w: Call(
            "post",
            f"{API}campaigns/",
            json={
                "name": "冬季防火检查",
                "unit": w.cast.station_a.code,
                "scope_units": [w.cast.grid_a.code],
                "premises_types": ["rental"],
                "starts_on": "2030-01-01",
                "ends_on": "2030-01-31",
            },
        ),
        "alice",
        201,
        _campaign_created,
        outsider=403,
        stranger=422,
    ),
    Endpoint(
        "campaign-check",
        lambda w: Call(
            "post",
            f"{API}campaigns/{w.campaign.pk}/checks",
            json={"premises": w.premises.pk, "result": "ok"},
        ),
        "bob",
        201,
        _checked,
        outsider=404,
        stranger=404,
    ),
]

each_endpoint = pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)


def _snapshot() -> tuple[int, list[tuple[int, str]], int, int]:
    # Everything an endpoint could write: audit rows, hazard states, evidence, checks.
    states = list(Hazard.objects.order_by("pk").values_list("pk", "state"))
    return AuditEvent.objects.count(), states, Evidence.objects.count(), Campaign.objects.count()


@each_endpoint
def test_it_answers_401_to_anonymous_callers(world: World, endpoint: Endpoint) -> None:
    before = _snapshot()
    response = endpoint.call(world).send(session_client(None))
    assert response.status_code == 401
    assert _snapshot() == before


@each_endpoint
def test_it_shows_a_partner_desk_nothing_and_lets_it_do_nothing(
    world: World, endpoint: Endpoint
) -> None:
    before = _snapshot()
    response = endpoint.call(world).send(session_client(world.cast.dora))
    assert response.status_code == endpoint.outsider
    if endpoint.is_list:
        assert response.json()["count"] == 0 and response.json()["items"] == []
    assert _snapshot() == before


@each_endpoint
def test_it_hides_station_a_from_the_other_jurisdiction(world: World, endpoint: Endpoint) -> None:
    mine = _register(
        world.cast, "西门隐患", lat=POINT_B[0], lon=POINT_B[1], actor=world.cast.charlie
    )
    before = _snapshot()
    response = endpoint.call(world).send(session_client(world.cast.charlie))
    assert response.status_code == endpoint.stranger
    if endpoint.is_list:
        assert not ids(response) & ({h.pk for h in world.all()} | {world.campaign.pk})
    if endpoint.name == "list":
        assert ids(response) == {mine.pk}
    assert _snapshot() == before


@each_endpoint
def test_it_lets_the_permitted_user_act(world: World, endpoint: Endpoint) -> None:
    user = getattr(world.cast, endpoint.actor)
    response = endpoint.call(world).send(session_client(user))
    assert response.status_code == endpoint.status, response.content
    endpoint.effect(world, response)


# --- refusals that are not about scope ---------------------------------------------------------


def test_it_answers_403_when_a_visible_hazard_needs_a_capability_the_user_lacks(
    world: World,
) -> None:
    response = Call("post", f"{API}{world.registered.pk}/grade", json={"grade": "major"}).send(
        session_client(world.cast.bob)
    )
    assert response.status_code == 403
    assert _state(world.registered) == CaseState.REGISTERED


def test_it_refuses_a_verification_by_the_company_that_did_the_work(world: World) -> None:
    response = Call("post", f"{API}{world.submitted.pk}/verify").send(
        session_client(world.cast.erin)
    )
    assert response.status_code == 403
    assert _state(world.submitted) == CaseState.SUBMITTED


def test_it_answers_422_for_a_step_the_state_does_not_allow(world: World) -> None:
    response = Call("post", f"{API}{world.registered.pk}/verify").send(
        session_client(world.cast.alice)
    )
    assert "__all__" in errors_of(response)
    assert _state(world.registered) == CaseState.REGISTERED


def test_it_shows_a_company_only_what_is_assigned_to_it(world: World) -> None:
    response = Call("get", API).send(session_client(world.cast.erin))
    assigned = {world.assigned.pk, world.submitted.pk, world.closed.pk}
    assert ids(response) == assigned
    detail = Call("get", f"{API}{world.registered.pk}").send(session_client(world.cast.erin))
    assert detail.status_code == 404


def test_it_answers_404_for_a_hazard_that_does_not_exist(world: World) -> None:
    response = Call("get", f"{API}999999").send(session_client(world.cast.alice))
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


# --- bad input: 422 naming the field, nothing written -------------------------------------------

REGISTER = {
    "title": "违规堆放易燃物",
    "category": "fire",
    "description": "楼道堆放纸箱",
    "lat": POINT_A[0],
    "lon": POINT_A[1],
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "arson"}, "category"),
        ({"lon": None}, "lat"),
        ({"lat": None, "lon": None, "unit": "000000", "address": "东门路1号"}, "unit"),
        ({"lat": 91.0}, "lat"),
        ({"title": ""}, "title"),
        ({"premises": 999999}, "premises"),
        ({"found_at": "yesterday"}, "found_at"),
    ],
    ids=["category", "lat-without-lon", "unknown-unit", "lat-range", "title", "premises", "date"],
)
def test_it_rejects_a_bad_registration_naming_the_field(
    world: World, change: dict[str, Any], field: str
) -> None:
    before = _snapshot()
    response = Call("post", API, json={**REGISTER, **change}).send(session_client(world.cast.bob))
    assert field in errors_of(response)
    assert _snapshot() == before


def test_it_registers_by_grid_code_and_address_without_coordinates(world: World) -> None:
    body = {
        **REGISTER,
        "lat": None,
        "lon": None,
        "unit": world.cast.grid_a.code,
        "address": "东门路1号",
    }
    response = Call("post", API, json=body).send(session_client(world.cast.bob))
    assert response.status_code == 201
    assert response.json()["unit"]["code"] == world.cast.grid_a.code


def test_it_rejects_an_assignment_to_an_unknown_unit_code(world: World) -> None:
    before = _snapshot()
    response = Call(
        "post", f"{API}{world.graded.pk}/assign", json={"requirement": "清理", "unit": "123"}
    ).send(session_client(world.cast.alice))
    assert "unit" in errors_of(response)
    assert _snapshot() == before
    assert Hazard.objects.get(pk=world.graded.pk).requirement == ""


def test_it_rejects_an_assignment_to_an_officer_of_the_other_jurisdiction(world: World) -> None:
    response = Call(
        "post", f"{API}{world.graded.pk}/assign", json={"requirement": "清理", "user": "charlie"}
    ).send(session_client(world.cast.alice))
    assert "user" in errors_of(response)
    assert _state(world.graded) == CaseState.GRADED


def test_it_assigns_to_an_officer_by_username_with_a_deadline(world: World) -> None:
    deadline = (timezone.localtime() + timedelta(days=3)).replace(microsecond=0, tzinfo=None)
    response = Call(
        "post",
        f"{API}{world.graded.pk}/assign",
        json={"requirement": "清理", "user": "carol", "deadline": deadline.isoformat()},
    ).send(session_client(world.cast.alice))
    assert response.status_code == 200, response.content
    hazard = Hazard.objects.get(pk=world.graded.pk)
    assert hazard.assignee_user == world.cast.carol
    assert hazard.deadline == timezone.make_aware(deadline)


def test_it_rejects_a_missing_requirement(world: World) -> None:
    response = Call(
        "post", f"{API}{world.graded.pk}/assign", json={"requirement": " ", "user": "carol"}
    ).send(session_client(world.cast.alice))
    assert "requirement" in errors_of(response)
    assert _state(world.graded) == CaseState.GRADED


def test_it_rejects_an_oversize_evidence_file(world: World, settings: Any) -> None:
    settings.EVIDENCE_MAX_BYTES = 100
    before = _snapshot()
    response = Call(
        "post",
        f"{API}{world.assigned.pk}/evidence",
        form={"stage": "after"},
        files={"file": photo()},
    ).send(session_client(world.cast.erin))
    assert "file" in errors_of(response)
    assert _snapshot() == before


def test_it_rejects_evidence_that_is_not_an_image(world: World) -> None:
    fake = SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not a jpeg", content_type="image/jpeg")
    before = _snapshot()
    response = Call(
        "post", f"{API}{world.assigned.pk}/evidence", form={"stage": "after"}, files={"file": fake}
    ).send(session_client(world.cast.erin))
    assert "file" in errors_of(response)
    assert _snapshot() == before


def test_it_rejects_an_unknown_evidence_stage(world: World) -> None:
    response = Call(
        "post",
        f"{API}{world.assigned.pk}/evidence",
        form={"stage": "during"},
        files={"file": photo()},
    ).send(session_client(world.cast.erin))
    assert "stage" in errors_of(response)


def test_it_rejects_an_unknown_filter_value_and_an_oversize_page(world: World) -> None:
    client = session_client(world.cast.alice)
    assert "category" in errors_of(Call("get", f"{API}?category=arson").send(client))
    assert "limit" in errors_of(Call("get", f"{API}?limit=201").send(client))


def test_it_rejects_a_campaign_with_an_unknown_scope_unit(world: World) -> None:
    before = _snapshot()
    response = Call(
        "post",
        f"{API}campaigns/",
        json={
            "name": "排查",
            "unit": world.cast.station_a.code,
            "scope_units": ["999"],
            "starts_on": "2030-01-01",
            "ends_on": "2030-01-31",
        },
    ).send(session_client(world.cast.alice))
    assert "scope_units" in errors_of(response)
    assert _snapshot() == before


def test_it_rejects_a_second_check_of_the_same_premises(world: World) -> None:
    do_record_check(world.campaign, premises=world.premises, result="ok", actor=world.cast.bob)
    response = Call(
        "post",
        f"{API}campaigns/{world.campaign.pk}/checks",
        json={"premises": world.premises.pk, "result": "hazards"},
    ).send(session_client(world.cast.bob))
    assert "premises" in errors_of(response)
    assert CampaignCheck.objects.count() == 1


# --- lists: filters, pages, queries ------------------------------------------------------------


def test_it_reports_campaign_progress(world: World) -> None:
    cast = world.cast
    do_record_check(world.campaign, premises=world.premises, result="hazards", actor=world.cast.bob)
    _register(world.cast, "仓库消防隐患", campaign=world.campaign, premises=world.premises)
    response = Call("get", f"{API}campaigns/{world.campaign.pk}").send(
        session_client(world.cast.alice)
    )
    progress = response.json()["progress"]
    assert progress["results"] == {"ok": 0, "hazards": 1, "closed": 0}
    assert (progress["premises_in_scope"], progress["checked"], progress["checked_percent"]) == (
        1,
        1,
        100.0,
    )
    assert (progress["hazards_found"], progress["hazards_open"]) == (1, 1)
    assert progress["units"] == [
        {
            "unit": {"id": cast.grid_a.pk, "code": cast.grid_a.code, "name": cast.grid_a.name},
            "premises_in_scope": 1,
            "checked": 1,
            "hazards_found": 1,
        }
    ]


def test_it_pages_with_limit_and_offset(world: World) -> None:
    client = session_client(world.cast.alice)
    first = Call("get", f"{API}?limit=2&sort=found_at").send(client).json()
    rest = Call("get", f"{API}?limit=2&offset=2&sort=found_at").send(client).json()
    assert first["count"] == rest["count"] == 5
    assert [i["id"] for i in first["items"] + rest["items"]] == [h.pk for h in world.all()[:4]]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "open=true",
        "open=false",
        "state=assigned&state=submitted",
        "state=assigned,closed",
        "grade=general&sort=deadline",
        "category=fire&category=production",
        "q=灭火器",
        "q=YH",
        f"unit=990102001001001&found_from={date.today().isoformat()}",
        "overdue=true",
        "sort=-created_at",
    ],
)
def test_it_filters_exactly_like_the_html_list(world: World, query: str) -> None:
    _register(world.cast, "车间粉尘超标", found_at=timezone.now() - timedelta(days=40))
    # The HTML list's own path: its query-string parser, then HazardFilter.apply.
    hazard_filter, errors = parse_filter(QueryDict(query))
    assert not errors
    expected = list_queryset(world.cast.alice, hazard_filter)
    response = Call("get", f"{API}?limit=200&{query}").send(session_client(world.cast.alice))
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == list(
        expected.values_list("pk", flat=True)
    )


def test_it_uses_the_same_number_of_queries_for_any_page_size(cast: Cast) -> None:
    for n in range(50):
        hazard = _register(cast, f"隐患{n}")
        if n % 3 == 0:
            do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
            target = {"organisation": cast.company} if n % 2 else {"user": cast.carol}
            do_assign_hazard(hazard, requirement="整改", actor=cast.alice, **target)
    client = session_client(cast.alice)
    counts = []
    for limit in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            response = Call("get", f"{API}?limit={limit}").send(client)
        assert len(response.json()["items"]) == limit
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_it_masks_personal_data_in_the_list(world: World) -> None:
    response = Call("get", API).send(session_client(world.cast.alice))
    item = response.json()["items"][0]
    assert item["responsible_phone"] == "139****5678"
    assert "13912345678" not in response.content.decode()


def test_it_marks_overdue_hazards_in_the_list(world: World) -> None:
    from shouwang.cases.actions import do_scan_overdue

    with time_machine.travel(timezone.now() + timedelta(days=10)):
        do_scan_overdue()
        response = Call("get", f"{API}?overdue=true").send(session_client(world.cast.alice))
    assert ids(response) == {world.graded.pk, world.assigned.pk, world.submitted.pk}
    assert all(item["is_overdue"] for item in response.json()["items"])
