"""Correcting a hazard's details: the action, the page and PATCH /api/v1/hazards/{id}."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import h3
import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shouwang.audit.models import AuditEvent
from shouwang.cases.actions import (
    do_add_evidence,
    do_grade_case,
    do_reject_case,
    do_reopen_case,
    do_submit_case,
    do_verify_case,
)
from shouwang.cases.choices import CaseAction, CaseState, EvidenceStage
from shouwang.cases.models import CaseTransition
from shouwang.common.apitest import errors_of, session_client
from shouwang.common.errors import ActionError, NotPermitted
from shouwang.common.testing import POINT_A, POINT_B, Cast, make_jpeg
from shouwang.hazards.actions import do_assign_hazard, do_create_premises, do_register_hazard
from shouwang.hazards.actions_edit import do_update_hazard
from shouwang.hazards.choices import HazardCategory, HazardGrade, PremisesType
from shouwang.hazards.filters import HazardFilter
from shouwang.hazards.models import Hazard
from shouwang.hazards.queries import hazards_for_user
from shouwang.orgs.actions import do_create_unit
from shouwang.orgs.choices import UnitKind
from shouwang.orgs.models import Unit, User

API = "/api/v1/hazards/"
# A second grid of station A, a few kilometres from grid A.
POINT_A2 = (30.9000, 120.1300)
CONTACT, PHONE = "王小明", "13912345678"


def register(cast: Cast, **kwargs: Any) -> Hazard:
    fields: dict[str, Any] = {
        "actor": cast.bob,
        "title": "消防通道堵塞",
        "category": HazardCategory.FIRE,
        "description": "仓库后门消防通道堆放纸箱",
        "lat": POINT_A[0],
        "lon": POINT_A[1],
        "address": "东门路1号",
        "responsible_name": "东门五金厂",
        "responsible_contact": CONTACT,
        "responsible_phone": PHONE,
    }
    return do_register_hazard(**{**fields, **kwargs})


def assign(cast: Cast, hazard: Hazard) -> Hazard:
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    return do_assign_hazard(
        hazard, requirement="清理通道", organisation=cast.company, actor=cast.alice
    )


def submit_assigned(cast: Cast, hazard: Hazard) -> Hazard:
    upload = SimpleUploadedFile("after.jpg", make_jpeg(), content_type="image/jpeg")
    do_add_evidence(hazard, upload=upload, stage=EvidenceStage.AFTER, actor=cast.erin)
    do_submit_case(hazard, actor=cast.erin)
    return hazard


def submit(cast: Cast, hazard: Hazard) -> Hazard:
    return submit_assigned(cast, assign(cast, hazard))


def grid_a2(cast: Cast) -> Unit:
    centre = h3.latlng_to_cell(POINT_A2[0], POINT_A2[1], 8)
    return do_create_unit(
        code="990102001001002",
        name="东门二网格",
        kind=UnitKind.GRID,
        parent=cast.community_a,
        h3_cells=sorted(str(c) for c in h3.grid_disk(centre, 1)),
        centroid=POINT_A2,
        actor=None,
    )


def snapshot(hazard: Hazard) -> dict[str, Any]:
    """Everything stored about the hazard, to show that a refused edit wrote nothing."""
    row = Hazard.objects.filter(pk=hazard.pk).values().get()
    edits = CaseTransition.objects.filter(case=hazard, action=CaseAction.EDIT).count()
    audits = AuditEvent.objects.filter(action="hazard.update", object_id=str(hazard.pk)).count()
    return {**row, "edit_transitions": edits, "update_audits": audits}


def update_event(hazard: Hazard) -> AuditEvent:
    return AuditEvent.objects.get(action="hazard.update", object_id=str(hazard.pk))


def refreshed(hazard: Hazard) -> Hazard:
    return Hazard.objects.get(pk=hazard.pk)


# ---------------------------------------------------------------- the action


def test_alice_corrects_the_details_and_the_timeline_says_which(cast: Cast) -> None:
    hazard = register(cast)
    do_update_hazard(
        hazard,
        actor=cast.alice,
        title="安全出口上锁",
        category=HazardCategory.PRODUCTION,
        address="东门路3号",
        description="夜间安全出口上锁",
    )
    stored = refreshed(hazard)
    assert (stored.title, stored.category, stored.address) == (
        "安全出口上锁",
        HazardCategory.PRODUCTION,
        "东门路3号",
    )
    assert stored.description == "夜间安全出口上锁"
    assert stored.state == CaseState.REGISTERED
    edit = CaseTransition.objects.get(case=hazard, action=CaseAction.EDIT)
    assert edit.actor == cast.alice
    assert edit.from_state == edit.to_state == CaseState.REGISTERED
    assert sorted(edit.detail["fields"]) == ["address", "category", "description", "title"]
    assert "标题" in edit.note and "地址" in edit.note


def test_the_audit_row_holds_old_and_new_values(cast: Cast) -> None:
    hazard = register(cast)
    do_update_hazard(hazard, actor=cast.alice, title="安全出口上锁", address="东门路3号")
    changes = update_event(hazard).detail["changes"]
    assert changes["title"] == {"old": "消防通道堵塞", "new": "安全出口上锁"}
    assert changes["address"] == {"old": "东门路1号", "new": "东门路3号"}
    assert set(changes) == {"title", "address"}


def test_personal_fields_are_audited_as_changed_without_their_values(cast: Cast) -> None:
    hazard = register(cast)
    do_update_hazard(
        hazard, actor=cast.alice, responsible_contact="李大伟", responsible_phone="13700001111"
    )
    stored = refreshed(hazard)
    assert (stored.responsible_contact, stored.responsible_phone) == ("李大伟", "13700001111")
    event = update_event(hazard)
    assert event.detail["changes"] == {
        "responsible_contact": {"changed": True},
        "responsible_phone": {"changed": True},
    }
    edit = CaseTransition.objects.get(case=hazard, action=CaseAction.EDIT)
    written = json.dumps([event.detail, edit.detail, edit.note], ensure_ascii=False)
    for value in (CONTACT, PHONE, "李大伟", "13700001111"):
        assert value not in written


def test_search_finds_the_new_title_and_not_the_old_one(cast: Cast) -> None:
    hazard = register(cast)
    do_update_hazard(hazard, actor=cast.alice, title="配电箱裸露", responsible_name="东门粮油店")

    def found(q: str) -> bool:
        return HazardFilter(q=q).apply(hazards_for_user(cast.alice)).filter(pk=hazard.pk).exists()

    assert found("配电箱") and found("粮油店")
    assert not found("消防通道") and not found("五金厂")


def test_moving_the_point_to_another_grid_of_the_jurisdiction_changes_the_unit(
    cast: Cast,
) -> None:
    grid = grid_a2(cast)
    hazard = register(cast)
    do_update_hazard(hazard, actor=cast.alice, lat=POINT_A2[0], lon=POINT_A2[1])
    stored = refreshed(hazard)
    assert stored.unit == grid and hazard.unit == grid
    assert stored.h3_cell == h3.latlng_to_cell(POINT_A2[0], POINT_A2[1], 8)
    assert (stored.lat, stored.lon) == POINT_A2
    changes = update_event(hazard).detail["changes"]
    assert changes["unit"] == {"old": cast.grid_a.code, "new": grid.code}
    assert changes["lat"] == {"old": POINT_A[0], "new": POINT_A2[0]}
    assert update_event(hazard).unit == grid


def test_moving_an_escalated_hazard_restarts_its_escalation_in_the_new_chain(cast: Cast) -> None:
    grid = grid_a2(cast)
    hazard = register(cast)
    Hazard.objects.filter(pk=hazard.pk).update(escalation_level=1, escalated_to=cast.community_a)
    hazard.refresh_from_db()
    do_update_hazard(hazard, actor=cast.alice, lat=POINT_A2[0], lon=POINT_A2[1])
    stored = refreshed(hazard)
    assert stored.unit == grid
    assert stored.escalation_level == 0 and stored.escalated_to is None


def test_moving_to_grid_b_is_refused_for_alice_and_writes_nothing(cast: Cast) -> None:
    hazard = register(cast)
    before = snapshot(hazard)
    with pytest.raises(ValidationError) as refused:
        do_update_hazard(hazard, actor=cast.alice, lat=POINT_B[0], lon=POINT_B[1], title="新")
    assert refused.value.message_dict == {"lat": ["该位置不在您的辖区内。"]}
    assert snapshot(hazard) == before


def test_bob_may_not_move_his_hazard_to_another_grid_of_the_station(cast: Cast) -> None:
    grid_a2(cast)
    hazard = register(cast)
    with pytest.raises(ValidationError) as refused:
        do_update_hazard(hazard, actor=cast.bob, lat=POINT_A2[0], lon=POINT_A2[1])
    assert "lat" in refused.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"category": "weather"}, "category"),
        ({"description": ""}, "description"),
        ({"found_at": "yesterday"}, "found_at"),
        ({"responsible_phone": "call me"}, "responsible_phone"),
        ({"lat": None}, "lat"),
        ({"lat": 0.0, "lon": 0.0}, "lat"),
        ({"lat": 95.0, "lon": 120.0}, "lat"),
        ({"lat": None, "lon": None, "address": ""}, "address"),
    ],
)
def test_each_bad_value_is_refused_naming_its_field_and_writes_nothing(
    cast: Cast, changes: dict[str, Any], field: str
) -> None:
    hazard = register(cast)
    before = snapshot(hazard)
    with pytest.raises(ValidationError) as refused:
        # A good change alongside: it must not be written either.
        do_update_hazard(hazard, actor=cast.alice, responsible_name="新责任方", **changes)
    assert field in refused.value.message_dict
    assert snapshot(hazard) == before


def test_a_found_at_in_the_future_is_refused(cast: Cast) -> None:
    hazard = register(cast)
    before = snapshot(hazard)
    with pytest.raises(ValidationError) as refused:
        do_update_hazard(hazard, actor=cast.alice, found_at=timezone.now() + timedelta(hours=2))
    assert refused.value.message_dict == {"found_at": ["发现时间不能晚于现在。"]}
    assert snapshot(hazard) == before


def test_several_bad_values_are_reported_together(cast: Cast) -> None:
    hazard = register(cast)
    with pytest.raises(ValidationError) as refused:
        do_update_hazard(hazard, actor=cast.alice, title="", category="x", lat=POINT_B[0])
    assert set(refused.value.message_dict) == {"title", "category", "lat"}


def test_a_premises_of_the_other_jurisdiction_is_refused(cast: Cast) -> None:
    premises = do_create_premises(
        actor=cast.charlie, name="西门仓库", type=PremisesType.WAREHOUSE, unit=cast.grid_b
    )
    hazard = register(cast)
    before = snapshot(hazard)
    with pytest.raises(ValidationError) as refused:
        do_update_hazard(hazard, actor=cast.alice, premises=premises)
    assert "premises" in refused.value.message_dict
    assert snapshot(hazard) == before


def test_a_hazard_without_a_point_may_be_given_one(cast: Cast) -> None:
    hazard = register(cast, lat=None, lon=None, unit=cast.grid_a)
    do_update_hazard(hazard, actor=cast.alice, lat=POINT_A[0], lon=POINT_A[1])
    stored = refreshed(hazard)
    assert (stored.lat, stored.unit) == (POINT_A[0], cast.grid_a)
    assert stored.h3_cell == h3.latlng_to_cell(POINT_A[0], POINT_A[1], 8)


def test_nothing_changed_writes_nothing(cast: Cast) -> None:
    hazard = register(cast)
    before = snapshot(hazard)
    do_update_hazard(hazard, actor=cast.alice, title="消防通道堵塞", address=" 东门路1号 ")
    assert snapshot(hazard) == before


def test_bob_corrects_his_own_hazard_while_registered_and_graded(cast: Cast) -> None:
    hazard = register(cast)
    do_update_hazard(hazard, actor=cast.bob, title="消防通道被堵")
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    do_update_hazard(hazard, actor=cast.bob, title="消防通道被纸箱堵塞")
    assert refreshed(hazard).title == "消防通道被纸箱堵塞"


def test_bob_is_refused_once_the_hazard_is_assigned(cast: Cast) -> None:
    hazard = assign(cast, register(cast))
    with pytest.raises(NotPermitted):
        do_update_hazard(hazard, actor=cast.bob, title="改")


def test_an_officer_who_did_not_register_it_is_refused(cast: Cast) -> None:
    hazard = register(cast)
    with pytest.raises(NotPermitted):
        do_update_hazard(hazard, actor=cast.carol, title="改")


@pytest.mark.parametrize("who", ["erin", "dora", "charlie", "frank"])
def test_outside_parties_other_jurisdictions_and_auditors_are_refused(cast: Cast, who: str) -> None:
    hazard = assign(cast, register(cast))
    before = snapshot(hazard)
    with pytest.raises(NotPermitted):
        do_update_hazard(hazard, actor=getattr(cast, who), title="改")
    assert snapshot(hazard) == before


def test_a_closed_hazard_is_edited_only_after_it_is_reopened(cast: Cast) -> None:
    hazard = submit(cast, register(cast))
    do_verify_case(hazard, actor=cast.alice)
    with pytest.raises(ActionError) as refused:
        do_update_hazard(hazard, actor=cast.alice, title="改")
    assert refused.value.code == "bad_state"
    do_reopen_case(hazard, note="复查发现仍有堆放", actor=cast.alice)
    do_update_hazard(hazard, actor=cast.alice, title="消防通道再次堵塞")
    assert refreshed(hazard).title == "消防通道再次堵塞"


def test_the_requirement_is_fixed_once_rectification_is_reported(cast: Cast) -> None:
    hazard = assign(cast, register(cast))
    do_update_hazard(hazard, actor=cast.alice, requirement="三日内清理通道")
    assert refreshed(hazard).requirement == "三日内清理通道"
    with pytest.raises(ValidationError) as emptied:
        do_update_hazard(hazard, actor=cast.alice, requirement="")
    assert "requirement" in emptied.value.message_dict
    submit_ready = submit_assigned(cast, refreshed(hazard))
    with pytest.raises(ValidationError) as refused:
        do_update_hazard(submit_ready, actor=cast.alice, requirement="改为五日内")
    assert "requirement" in refused.value.message_dict
    # Other details of a submitted hazard may still be corrected.
    do_update_hazard(submit_ready, actor=cast.alice, address="东门路5号")
    assert refreshed(hazard).address == "东门路5号"


def test_a_state_change_meanwhile_is_refused(cast: Cast) -> None:
    hazard = register(cast)
    loaded = refreshed(hazard)  # the form is opened
    do_grade_case(hazard, grade=HazardGrade.MAJOR, actor=cast.alice)  # someone acts meanwhile
    before = snapshot(hazard)
    with pytest.raises(ActionError) as refused:
        do_update_hazard(loaded, actor=cast.alice, title="改")
    assert refused.value.code == "conflict"
    assert snapshot(hazard) == before


def test_an_edit_meanwhile_is_refused_when_the_loaded_time_is_given(cast: Cast) -> None:
    hazard = register(cast)
    loaded_at = refreshed(hazard).updated_at
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        do_update_hazard(hazard, actor=cast.alice, title="第一人修改")
    with pytest.raises(ActionError) as refused:
        do_update_hazard(
            hazard,
            actor=cast.alice,
            if_state=CaseState.REGISTERED,
            if_updated_at=loaded_at,
            title="第二人修改",
        )
    assert refused.value.code == "conflict"
    assert refreshed(hazard).title == "第一人修改"


def test_closing_meanwhile_is_reported_as_a_change_not_overwritten(cast: Cast) -> None:
    hazard = submit(cast, register(cast))
    loaded = refreshed(hazard)
    do_verify_case(hazard, actor=cast.alice)
    with pytest.raises(ActionError) as refused:
        do_update_hazard(loaded, actor=cast.alice, title="改")
    assert refused.value.code == "conflict"
    assert "已销号" in refused.value.messages[0]
    assert refreshed(hazard).state == CaseState.CLOSED


# ---------------------------------------------------------------- the page


def edit_url(hazard: Hazard) -> str:
    return reverse("hazards:hazard-edit", args=[hazard.pk])


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(hazard: Hazard, **overrides: Any) -> dict[str, Any]:
    """What the browser sends for the form as loaded, with `overrides` typed in."""
    hazard = refreshed(hazard)
    data: dict[str, Any] = {
        "title": hazard.title,
        "category": hazard.category,
        "description": hazard.description,
        "found_at": timezone.localtime(hazard.found_at).strftime("%Y-%m-%dT%H:%M"),
        "lat": "" if hazard.lat is None else str(hazard.lat),
        "lon": "" if hazard.lon is None else str(hazard.lon),
        "address": hazard.address,
        "premises": hazard.premises_id or "",
        "responsible_name": hazard.responsible_name,
        "responsible_contact": "",
        "responsible_phone": "",
        "requirement": hazard.requirement,
        "loaded_state": hazard.state,
        "loaded_at": hazard.updated_at.isoformat(),
    }
    return {**data, **overrides}


def flashed(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_page_sends_anonymous_visitors_to_login(cast: Cast, client: Client) -> None:
    hazard = register(cast)
    for response in (client.get(edit_url(hazard)), client.post(edit_url(hazard), {})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert refreshed(hazard).title == "消防通道堵塞"


def test_the_page_is_404_for_the_bank_the_other_jurisdiction_and_an_unassigned_company(
    cast: Cast,
) -> None:
    hazard = register(cast)
    for user in (cast.dora, cast.charlie, cast.erin):
        client = as_user(user)
        assert client.get(edit_url(hazard)).status_code == 404
        assert client.post(edit_url(hazard), form_data(hazard, title="改")).status_code == 404
    assert refreshed(hazard).title == "消防通道堵塞"


def test_the_page_is_403_for_the_company_it_is_assigned_to(cast: Cast) -> None:
    hazard = assign(cast, register(cast))
    client = as_user(cast.erin)
    assert client.get(edit_url(hazard)).status_code == 403
    assert client.post(edit_url(hazard), form_data(hazard, title="改")).status_code == 403
    assert refreshed(hazard).title == "消防通道堵塞"


def test_the_form_is_filled_but_personal_values_stay_masked(cast: Cast) -> None:
    hazard = register(cast)
    response = as_user(cast.alice).get(edit_url(hazard))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="消防通道堵塞"' in body and "东门路1号" in body
    assert PHONE not in body and CONTACT not in body
    assert "139****5678" in body and "王*明" in body


def test_alice_saves_a_correction_and_is_sent_back_to_the_detail(cast: Cast) -> None:
    hazard = register(cast)
    response = as_user(cast.alice).post(
        edit_url(hazard), form_data(hazard, title="安全出口上锁", category="production")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("hazards:hazard-detail", args=[hazard.pk])
    assert flashed(response) == [f"已保存对 {hazard.reference} 的修改。"]
    stored = refreshed(hazard)
    assert (stored.title, stored.category) == ("安全出口上锁", "production")
    # Untouched fields, personal ones included, keep their values.
    assert (stored.responsible_contact, stored.responsible_phone) == (CONTACT, PHONE)
    assert stored.found_at == hazard.found_at
    assert update_event(hazard).detail["changes"].keys() == {"title", "category"}


def test_submitting_the_form_untouched_changes_nothing(cast: Cast) -> None:
    hazard = register(cast, lat=30.8700123456, lon=120.0900987654)
    before = snapshot(hazard)
    rounded = {"lat": "30.870012", "lon": "120.090099"}  # as the map picker writes them
    response = as_user(cast.alice).post(edit_url(hazard), form_data(hazard, **rounded))
    assert response.status_code == 302
    assert flashed(response) == ["没有需要保存的修改。"]
    assert snapshot(hazard) == before


def test_a_personal_value_is_replaced_when_typed_and_cleared_by_its_box(cast: Cast) -> None:
    hazard = register(cast)
    client = as_user(cast.alice)
    client.post(edit_url(hazard), form_data(hazard, responsible_phone="13700001111"))
    assert refreshed(hazard).responsible_phone == "13700001111"
    client.post(edit_url(hazard), form_data(hazard, clear_contact="on"))
    stored = refreshed(hazard)
    assert (stored.responsible_contact, stored.responsible_phone) == ("", "13700001111")


def test_bob_edits_his_hazard_while_registered_but_not_once_assigned(cast: Cast) -> None:
    hazard = register(cast)
    client = as_user(cast.bob)
    assert client.get(edit_url(hazard)).status_code == 200
    response = client.post(edit_url(hazard), form_data(hazard, title="消防通道被堵"))
    assert response.status_code == 302
    assign(cast, hazard)
    assert client.get(edit_url(hazard)).status_code == 403
    response = client.post(edit_url(hazard), form_data(hazard, title="再改"))
    assert response.status_code == 403
    assert refreshed(hazard).title == "消防通道被堵"


def test_errors_show_beside_their_fields_and_nothing_is_saved(cast: Cast) -> None:
    hazard = register(cast)
    before = snapshot(hazard)
    data = form_data(hazard, title="", lat=str(POINT_B[0]), lon=str(POINT_B[1]), address="新")
    response = as_user(cast.alice).post(edit_url(hazard), data)
    assert response.status_code == 422
    form = response.context["form"]
    assert "title" in form.errors
    assert snapshot(hazard) == before
    # The action's own check names its field too, once the form itself is valid.
    data = form_data(hazard, lat=str(POINT_B[0]), lon=str(POINT_B[1]))
    response = as_user(cast.alice).post(edit_url(hazard), data)
    assert response.status_code == 422
    assert response.context["form"].errors["lat"] == ["该位置不在您的辖区内。"]
    assert "该位置不在您的辖区内。" in response.content.decode()
    assert snapshot(hazard) == before


def test_a_stale_form_is_refused_with_a_changed_meanwhile_message(cast: Cast) -> None:
    hazard = register(cast)
    stale = form_data(hazard, title="改")
    do_grade_case(hazard, grade=HazardGrade.MAJOR, actor=cast.alice)
    before = snapshot(hazard)
    response = as_user(cast.alice).post(edit_url(hazard), stale)
    assert response.status_code == 422
    assert "已被他人修改" in response.content.decode()
    assert snapshot(hazard) == before


def test_a_stale_registrar_form_is_told_it_changed_not_forbidden(cast: Cast) -> None:
    hazard = register(cast)
    stale = form_data(hazard, title="改")
    assign(cast, hazard)
    response = as_user(cast.bob).post(edit_url(hazard), stale)
    assert response.status_code == 422
    assert "已被他人修改" in response.content.decode()


def test_a_closed_hazard_sends_the_editor_back_to_reopen_it(cast: Cast) -> None:
    hazard = submit(cast, register(cast))
    do_verify_case(hazard, actor=cast.alice)
    response = as_user(cast.alice).get(edit_url(hazard))
    assert response.status_code == 302
    assert flashed(response) == ["已销号或已撤销的隐患不能修改,请先重新打开。"]


def test_the_requirement_field_is_offered_only_until_submission(cast: Cast) -> None:
    hazard = assign(cast, register(cast))
    client = as_user(cast.alice)
    assert "requirement" in client.get(edit_url(hazard)).context["form"].fields
    submitted = submit_assigned(cast, hazard)
    assert "requirement" not in client.get(edit_url(submitted)).context["form"].fields


def test_the_detail_links_the_edit_page_only_for_those_who_may_edit(cast: Cast) -> None:
    hazard = register(cast)
    detail = reverse("hazards:hazard-detail", args=[hazard.pk])
    for user, shown in ((cast.alice, True), (cast.bob, True), (cast.carol, False)):
        body = as_user(user).get(detail).content.decode()
        assert (edit_url(hazard) in body) is shown, user


def test_the_timeline_shows_the_edit(cast: Cast) -> None:
    hazard = register(cast)
    as_user(cast.alice).post(edit_url(hazard), form_data(hazard, title="安全出口上锁"))
    body = as_user(cast.alice).get(reverse("hazards:hazard-detail", args=[hazard.pk]))
    text = body.content.decode()
    assert "<strong>修改信息</strong>" in text and "修改了:标题" in text


# ---------------------------------------------------------------- PATCH /api/v1/hazards/{id}


def patch(client: Client, hazard: Hazard, body: dict[str, Any]) -> Any:
    return client.patch(f"{API}{hazard.pk}", data=json.dumps(body), content_type="application/json")


def test_the_api_answers_401_to_anonymous_callers(cast: Cast) -> None:
    hazard = register(cast)
    assert patch(Client(), hazard, {"title": "改"}).status_code == 401


@pytest.mark.parametrize("who", ["dora", "charlie", "erin"])
def test_the_api_answers_404_where_the_hazard_is_not_visible(cast: Cast, who: str) -> None:
    hazard = register(cast)
    response = patch(session_client(getattr(cast, who)), hazard, {"title": "改"})
    assert response.status_code == 404
    assert refreshed(hazard).title == "消防通道堵塞"


def test_the_api_answers_403_without_the_right_to_edit(cast: Cast) -> None:
    hazard = assign(cast, register(cast))
    for user in (cast.erin, cast.bob, cast.frank):
        assert patch(session_client(user), hazard, {"title": "改"}).status_code == 403
    assert refreshed(hazard).title == "消防通道堵塞"


def test_the_api_changes_only_the_fields_sent(cast: Cast) -> None:
    hazard = register(cast)
    response = patch(
        session_client(cast.alice), hazard, {"title": "安全出口上锁", "premises": None}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "安全出口上锁" and body["address"] == "东门路1号"
    assert body["responsible_phone"] == "139****5678"
    assert body["transitions"][-1]["action"] == "edit"
    assert update_event(hazard).detail["changes"].keys() == {"title"}


def test_the_api_lets_bob_correct_his_registered_hazard(cast: Cast) -> None:
    hazard = register(cast)
    response = patch(session_client(cast.bob), hazard, {"address": "东门路2号"})
    assert response.status_code == 200
    assert refreshed(hazard).address == "东门路2号"


def test_the_api_names_the_field_of_a_bad_value(cast: Cast) -> None:
    hazard = register(cast)
    client = session_client(cast.alice)
    assert "title" in errors_of(patch(client, hazard, {"title": ""}))
    assert "lat" in errors_of(patch(client, hazard, {"lat": POINT_B[0], "lon": POINT_B[1]}))
    assert "premises" in errors_of(patch(client, hazard, {"premises": 999999}))
    assert "category" in errors_of(patch(client, hazard, {"category": "weather"}))
    assert not AuditEvent.objects.filter(action="hazard.update").exists()


def test_the_api_refuses_a_change_when_the_state_moved_on(cast: Cast) -> None:
    hazard = register(cast)
    do_grade_case(hazard, grade=HazardGrade.MAJOR, actor=cast.alice)
    response = patch(session_client(cast.alice), hazard, {"title": "改", "if_state": "registered"})
    assert "已被他人修改" in errors_of(response)["__all__"][0]
    assert refreshed(hazard).title == "消防通道堵塞"
    response = patch(session_client(cast.alice), hazard, {"title": "改", "if_state": "graded"})
    assert response.status_code == 200


def test_a_correction_after_a_rejection_keeps_the_rejection_before_the_assignee(
    cast: Cast,
) -> None:
    hazard = submit(cast, register(cast))
    do_reject_case(hazard, note="通道仍有杂物", actor=cast.alice)
    do_update_hazard(hazard, actor=cast.alice, address="东门路5号")
    response = as_user(cast.erin).get(reverse("hazards:hazard-rectify", args=[hazard.pk]))
    rejection = response.context["rejection"]
    assert rejection is not None and rejection.note == "通道仍有杂物"
