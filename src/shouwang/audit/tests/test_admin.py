"""The Django admin: configuration is editable and audited; the log and the cases are not."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from shouwang.audit.models import AuditEvent
from shouwang.cases.models import SlaRule
from shouwang.common.testing import PASSWORD, POINT_A, Cast
from shouwang.hazards.actions import do_register_hazard
from shouwang.hazards.choices import HazardCategory
from shouwang.orgs.models import User


def login(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_audit_log_is_read_only_in_the_admin(cast: Cast) -> None:
    client = login(cast.admin)
    event = AuditEvent.objects.first()
    assert event is not None
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change, {"action": "forged"}).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.action != "forged"


def test_hazards_cannot_be_changed_in_the_admin(cast: Cast) -> None:
    hazard = do_register_hazard(
        actor=cast.bob,
        title="消防通道堵塞",
        category=HazardCategory.FIRE,
        description="仓库后门消防通道堆放纸箱",
        lat=POINT_A[0],
        lon=POINT_A[1],
        responsible_phone="13912345678",
    )
    client = login(cast.admin)
    assert client.get(reverse("admin:hazards_hazard_add")).status_code == 403
    change = reverse("admin:hazards_hazard_change", args=[hazard.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert "13912345678" not in page.content.decode()
    assert client.post(change, {"title": "改掉"}).status_code == 403
    delete = reverse("admin:hazards_hazard_delete", args=[hazard.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    hazard.refresh_from_db()
    assert hazard.title == "消防通道堵塞"


def test_api_tokens_are_read_only(cast: Cast) -> None:
    client = login(cast.admin)
    assert client.get(reverse("admin:orgs_apitoken_changelist")).status_code == 200
    assert client.get(reverse("admin:orgs_apitoken_add")).status_code == 403


def test_units_are_found_by_code_and_name(cast: Cast) -> None:
    client = login(cast.admin)
    url = reverse("admin:orgs_unit_changelist")
    by_code = client.get(url, {"q": cast.station_b.code}).content.decode()
    assert "西门派出所" in by_code and "东门派出所" not in by_code
    by_name = client.get(url, {"q": "东门"}).content.decode()
    assert "东门派出所" in by_name and "西门派出所" not in by_name


def test_the_user_admin_edits_role_unit_and_organisation_and_is_audited(cast: Cast) -> None:
    client = login(cast.admin)
    change = reverse("admin:orgs_user_change", args=[cast.carol.pk])
    page = client.get(change).content.decode()
    for field in ("role", "unit", "organisation", "display_name", "phone"):
        assert f'name="{field}"' in page
    data = {
        "username": "carol",
        "display_name": "Carol",
        "role": "station_chief",
        "unit": str(cast.station_a.pk),
        "organisation": "",
        "phone": "13800000000",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
    }
    response = client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    cast.carol.refresh_from_db()
    assert cast.carol.role == "station_chief"
    event = AuditEvent.objects.get(action="admin.change", object_type="orgs.user")
    assert event.actor == cast.admin
    assert "role" in event.detail["fields"]


def test_the_user_admin_refuses_a_police_role_without_a_unit(cast: Cast) -> None:
    client = login(cast.admin)
    change = reverse("admin:orgs_user_change", args=[cast.carol.pk])
    data = {
        "username": "carol",
        "role": "grid_worker",
        "unit": "",
        "organisation": "",
        "is_active": "on",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
    }
    response = client.post(change, data)
    assert response.status_code == 200
    assert "该角色必须属于一个单位" in response.content.decode()
    cast.carol.refresh_from_db()
    assert cast.carol.unit == cast.station_a


def test_an_sla_rule_added_in_the_admin_goes_through_the_action(cast: Cast) -> None:
    client = login(cast.admin)
    add = reverse("admin:cases_slarule_add")
    data = {"kind": "hazard", "grade": "general", "hours": "36", "escalate_every_hours": "12"}
    assert client.post(add, data).status_code == 302
    rule = SlaRule.objects.get()
    assert (rule.kind, rule.grade, rule.hours) == ("hazard", "general", 36)
    assert AuditEvent.objects.filter(action="sla.set").count() == 1
    bad = client.post(add, {**data, "grade": "major", "hours": "0"})
    assert bad.status_code == 200
    assert SlaRule.objects.count() == 1


def test_premises_and_campaigns_are_registered(cast: Cast) -> None:
    client = login(cast.admin)
    assert client.get(reverse("admin:hazards_premises_changelist")).status_code == 200
    assert client.get(reverse("admin:hazards_campaign_changelist")).status_code == 200
    assert client.get(reverse("admin:orgs_organisation_changelist")).status_code == 200


def test_a_user_added_in_the_admin_gets_role_and_unit_and_is_audited(cast: Cast) -> None:
    client = login(cast.admin)
    add = reverse("admin:orgs_user_add")
    assert 'name="role"' in client.get(add).content.decode()
    data = {
        "username": "henry",
        "usable_password": "true",
        "password1": "a long enough passphrase 42",
        "password2": "a long enough passphrase 42",
        "display_name": "Henry",
        "role": "grid_worker",
        "unit": str(cast.grid_b.pk),
        "organisation": "",
        "phone": "",
    }
    response = client.post(add, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    henry = User.objects.get(username="henry")
    assert (henry.role, henry.unit) == ("grid_worker", cast.grid_b)
    event = AuditEvent.objects.get(action="admin.add", object_type="orgs.user")
    assert event.unit == cast.grid_b
