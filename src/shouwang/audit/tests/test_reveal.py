from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from shouwang.audit.actions import do_reveal_field
from shouwang.audit.models import AuditEvent
from shouwang.cases.actions import do_assign_case, do_grade_case
from shouwang.common.errors import NotPermitted
from shouwang.common.testing import PASSWORD, POINT_A, Cast
from shouwang.hazards.actions import do_register_hazard
from shouwang.hazards.choices import HazardCategory, HazardGrade
from shouwang.hazards.models import Hazard
from shouwang.orgs.actions import do_create_organisation
from shouwang.orgs.choices import OrganisationKind
from shouwang.orgs.models import Organisation, User

REVEAL = reverse("audit:reveal")
PHONE = "13912345678"


def login(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def hazard(cast: Cast) -> Hazard:
    return do_register_hazard(
        actor=cast.bob,
        title="消防通道堵塞",
        category=HazardCategory.FIRE,
        description="仓库后门消防通道堆放纸箱",
        lat=POINT_A[0],
        lon=POINT_A[1],
        responsible_name="东门五金厂",
        responsible_contact="张三丰",
        responsible_phone=PHONE,
    )


def reveals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="personal.reveal"))


def post(client: Client, obj: Model, field: str, purpose: str, *, htmx: bool = False) -> Any:
    data = {"model": obj._meta.label, "object_id": str(obj.pk), "field": field, "purpose": purpose}
    return client.post(REVEAL, data, headers={"HX-Request": "true"} if htmx else {})


# --- the action ------------------------------------------------------------------------------


def test_a_reveal_returns_the_clear_value_and_writes_one_audit_row(
    cast: Cast, hazard: Hazard
) -> None:
    value = do_reveal_field(hazard, "responsible_phone", purpose="核查 YH0000001", actor=cast.alice)
    assert value == PHONE
    [event] = reveals()
    assert event.actor == cast.alice
    assert event.purpose == "核查 YH0000001"
    assert event.detail == {"field": "responsible_phone"}
    assert event.object_type == "hazards.hazard"
    assert event.object_id == str(hazard.pk)
    assert event.unit == cast.grid_a


def test_the_audit_record_of_a_reveal_names_the_field_by_its_label(
    cast: Cast, hazard: Hazard
) -> None:
    do_reveal_field(hazard, "responsible_phone", purpose="核查 YH0000001", actor=cast.alice)
    [event] = reveals()
    page = login(cast.frank).get(reverse("audit:event-detail", args=[event.pk]))
    assert "查看个人信息:责任人电话" in page.content.decode()
    english = login(cast.frank).get(
        reverse("audit:event-detail", args=[event.pk]), headers={"Accept-Language": "en"}
    )
    assert "Reveal personal data: Responsible person&#x27;s phone" in english.content.decode()


@pytest.mark.parametrize("purpose", ["", "   ", "核查", "x" * 301])
def test_a_reveal_without_a_proper_purpose_writes_nothing(
    cast: Cast, hazard: Hazard, purpose: str
) -> None:
    with pytest.raises(ValidationError) as err:
        do_reveal_field(hazard, "responsible_phone", purpose=purpose, actor=cast.alice)
    assert "purpose" in err.value.message_dict
    assert reveals() == []


def test_only_registered_personal_fields_can_be_revealed(cast: Cast, hazard: Hazard) -> None:
    with pytest.raises(ValidationError) as err:
        do_reveal_field(hazard, "description", purpose="核查隐患情况", actor=cast.alice)
    assert "field" in err.value.message_dict
    assert reveals() == []


def test_a_reveal_needs_the_capability(cast: Cast, hazard: Hazard) -> None:
    with pytest.raises(NotPermitted):
        do_reveal_field(hazard, "responsible_phone", purpose="审计抽查记录", actor=cast.frank)
    assert reveals() == []


def test_a_reveal_is_refused_in_another_jurisdiction(cast: Cast, hazard: Hazard) -> None:
    with pytest.raises(NotPermitted):
        do_reveal_field(hazard, "responsible_phone", purpose="核查隐患情况", actor=cast.charlie)
    assert reveals() == []


def test_an_organisations_contact_is_revealed_within_its_area(cast: Cast) -> None:
    company = do_create_organisation(
        name="东门饭店",
        kind=OrganisationKind.COMPANY,
        unit=cast.grid_a,
        contact_name="李四",
        contact_phone=PHONE,
        actor=None,
    )
    assert do_reveal_field(company, "contact_name", purpose="联系整改", actor=cast.bob) == "李四"
    with pytest.raises(NotPermitted):
        do_reveal_field(company, "contact_phone", purpose="联系整改", actor=cast.charlie)
    assert len(reveals()) == 1


# --- the view --------------------------------------------------------------------------------


def test_the_view_swaps_in_the_clear_value(cast: Cast, hazard: Hazard) -> None:
    response = post(login(cast.alice), hazard, "responsible_phone", "核查 YH0000001", htmx=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert PHONE in html
    assert "<html" not in html
    assert f'id="pd-hazards-hazard-{hazard.pk}-responsible_phone"' in html
    assert response["Cache-Control"] == "no-store"
    [event] = reveals()
    assert event.channel == "web"
    assert event.purpose == "核查 YH0000001"


def test_the_view_without_htmx_shows_a_page_with_the_value(cast: Cast, hazard: Hazard) -> None:
    response = post(login(cast.alice), hazard, "responsible_contact", "回访责任人")
    assert response.status_code == 200
    assert "张三丰" in response.content.decode()
    assert len(reveals()) == 1


def test_the_view_asks_again_for_a_missing_purpose(cast: Cast, hazard: Hazard) -> None:
    response = post(login(cast.alice), hazard, "responsible_phone", "", htmx=True)
    html = response.content.decode()
    assert response.status_code == 422
    assert "请填写查看事由" in html
    assert PHONE not in html
    assert "139****5678" in html
    assert reveals() == []


def test_the_view_refuses_an_unregistered_field(cast: Cast, hazard: Hazard) -> None:
    response = post(login(cast.alice), hazard, "description", "核查隐患情况")
    assert response.status_code == 422
    assert "仓库后门" not in response.content.decode()
    assert reveals() == []


def test_the_view_answers_404_in_another_jurisdiction(cast: Cast, hazard: Hazard) -> None:
    response = post(login(cast.charlie), hazard, "responsible_phone", "核查隐患情况")
    assert response.status_code == 404
    assert reveals() == []


def test_the_view_answers_404_to_a_partner_desk(cast: Cast, hazard: Hazard) -> None:
    response = post(login(cast.dora), hazard, "responsible_phone", "核查隐患情况")
    assert response.status_code == 404


def test_the_view_answers_403_to_a_viewer_without_the_capability(
    cast: Cast, hazard: Hazard
) -> None:
    response = post(login(cast.frank), hazard, "responsible_phone", "审计抽查记录")
    assert response.status_code == 403
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    do_assign_case(hazard, organisation=cast.company, actor=cast.alice)
    response = post(login(cast.erin), hazard, "responsible_phone", "联系本单位")
    assert response.status_code == 403
    assert reveals() == []


def test_the_view_answers_404_for_unknown_models_and_objects(cast: Cast, hazard: Hazard) -> None:
    client = login(cast.alice)
    data = {"model": "orgs.user", "object_id": str(cast.bob.pk), "field": "password"}
    assert client.post(REVEAL, {**data, "purpose": "随便看看"}).status_code == 404
    data = {"model": "hazards.hazard", "object_id": "999999", "field": "responsible_phone"}
    assert client.post(REVEAL, {**data, "purpose": "核查隐患情况"}).status_code == 404
    data = {"model": "hazards.hazard", "object_id": "x", "field": "responsible_phone"}
    assert client.post(REVEAL, {**data, "purpose": "核查隐患情况"}).status_code == 404
    assert reveals() == []


def test_the_view_needs_a_login_and_a_post(cast: Cast, hazard: Hazard) -> None:
    response = post(Client(), hazard, "responsible_phone", "核查隐患情况")
    assert response.status_code == 302
    assert login(cast.alice).get(REVEAL).status_code == 405
    assert reveals() == []


def test_the_bank_without_an_area_is_visible_to_police_in_any_district(cast: Cast) -> None:
    Organisation.objects.filter(pk=cast.bank.pk).update(contact_phone=PHONE)
    response = post(login(cast.charlie), cast.bank, "contact_phone", "冻结协查")
    assert response.status_code == 200
    assert PHONE in response.content.decode()
    response = post(login(cast.erin), cast.bank, "contact_phone", "冻结协查")
    assert response.status_code == 404


# --- the template tag ------------------------------------------------------------------------


def render_tag(user: User, obj: Model, field: str) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template('{% load personal %}{% masked obj "' + field + '" %}')
    return template.render(Context({"obj": obj, "user": user, "request": request}))


def test_the_tag_shows_the_masked_value_and_a_reveal_form(cast: Cast, hazard: Hazard) -> None:
    html = render_tag(cast.alice, hazard, "responsible_phone")
    assert "139****5678" in html
    assert PHONE not in html
    assert f'hx-post="{REVEAL}"' in html
    assert 'name="purpose"' in html
    assert "查看" in html
    assert "张*丰" in render_tag(cast.alice, hazard, "responsible_contact")


def test_the_tag_offers_no_reveal_without_the_capability(cast: Cast, hazard: Hazard) -> None:
    html = render_tag(cast.frank, hazard, "responsible_phone")
    assert "139****5678" in html
    assert "hx-post" not in html


def test_the_tag_shows_a_dash_for_an_empty_value(cast: Cast) -> None:
    html = render_tag(cast.alice, cast.company, "contact_phone")
    assert "—" in html
    assert "hx-post" not in html


def test_the_tag_refuses_a_field_that_is_not_registered(cast: Cast, hazard: Hazard) -> None:
    with pytest.raises(LookupError):
        render_tag(cast.alice, hazard, "description")
