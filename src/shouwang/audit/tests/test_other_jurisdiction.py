"""The other-jurisdiction case of the audit pages not covered in test_views / test_reveal: the
reveal of an organisation's contact by police of the other district, a company asking about
another company's hazard, and finding an event by a case reference across the boundary."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.test import Client
from django.urls import reverse

from shouwang.audit.models import AuditEvent
from shouwang.cases.actions import do_assign_case, do_grade_case
from shouwang.common.apitest import session_client
from shouwang.common.testing import PASSWORD, POINT_A, POINT_B, Cast
from shouwang.hazards.actions import do_register_hazard
from shouwang.hazards.choices import HazardCategory, HazardGrade
from shouwang.hazards.models import Hazard
from shouwang.orgs.actions import do_create_user
from shouwang.orgs.choices import Role
from shouwang.orgs.models import Organisation, User

REVEAL = reverse("audit:reveal")
PHONE = "13912345678"


def register(actor: User, point: tuple[float, float], title: str) -> Hazard:
    return do_register_hazard(
        actor=actor,
        title=title,
        category=HazardCategory.FIRE,
        description="通道堆放杂物",
        lat=point[0],
        lon=point[1],
        responsible_phone=PHONE,
    )


def reveal(user: User, obj: Model, field: str) -> Any:
    data = {
        "model": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "field": field,
        "purpose": "联系整改事宜",
    }
    return session_client(user).post(REVEAL, data)


def reveal_count() -> int:
    return AuditEvent.objects.exclude(purpose="").count()


def test_police_of_the_other_district_cannot_reveal_a_companys_contact(cast: Cast) -> None:
    Organisation.objects.filter(pk__in=[cast.company.pk, cast.other_company.pk]).update(
        contact_phone=PHONE
    )
    refused = reveal(cast.charlie, cast.company, "contact_phone")
    assert refused.status_code == 404
    assert PHONE not in refused.content.decode()
    assert reveal_count() == 0
    own = reveal(cast.charlie, cast.other_company, "contact_phone")
    assert own.status_code == 200 and PHONE in own.content.decode()
    assert reveal_count() == 1


def test_a_company_is_told_nothing_about_another_companys_hazard(cast: Cast) -> None:
    east = register(cast.bob, POINT_A, "东门通道堵塞")
    west = register(cast.charlie, POINT_B, "西门通道堵塞")
    do_grade_case(east, grade=HazardGrade.GENERAL, actor=cast.alice)
    do_grade_case(west, grade=HazardGrade.GENERAL, actor=cast.charlie)
    do_assign_case(east, organisation=cast.company, actor=cast.alice)
    do_assign_case(west, organisation=cast.other_company, actor=cast.charlie)
    # Its own hazard is visible (403: a company may not reveal); the other one does not exist.
    assert reveal(cast.erin, east, "responsible_phone").status_code == 403
    other = reveal(cast.erin, west, "responsible_phone")
    assert other.status_code == 404
    assert "西门通道堵塞" not in other.content.decode()
    assert reveal_count() == 0


def test_an_event_is_not_found_by_the_reference_of_the_other_districts_case(cast: Cast) -> None:
    grace = do_create_user(
        username="grace",
        password=PASSWORD,
        role=Role.AUDITOR,
        display_name="Grace",
        unit=cast.district_b,
        actor=None,
    )
    east = register(cast.bob, POINT_A, "东门通道堵塞")
    west = register(cast.charlie, POINT_B, "西门通道堵塞")
    client: Client = session_client(grace)
    url = reverse("audit:event-list")
    other = client.get(url, {"object_id": east.reference})
    assert other.status_code == 200
    assert list(other.context["page"].object_list) == []
    assert "东门通道堵塞" not in other.content.decode()
    own = client.get(url, {"object_id": west.reference})
    assert {e.object_id for e in own.context["page"].object_list} == {str(west.pk)}
    export = client.get(reverse("audit:event-export"), {"object_id": east.reference})
    body = export.getvalue().decode("utf-8")
    assert "东门通道堵塞" not in body and len(body.strip().splitlines()) == 1
