from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shouwang.audit.action_labels import action_label
from shouwang.audit.log import record
from shouwang.audit.models import AuditEvent
from shouwang.common.testing import PASSWORD, POINT_A, POINT_B, Cast
from shouwang.hazards.actions import do_register_hazard
from shouwang.hazards.choices import HazardCategory
from shouwang.hazards.models import Hazard
from shouwang.orgs.actions import do_create_user
from shouwang.orgs.choices import Role
from shouwang.orgs.models import User

LIST = reverse("audit:event-list")
EXPORT = reverse("audit:event-export")


def login(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def register(actor: User, point: tuple[float, float], title: str = "消防通道堵塞") -> Hazard:
    return do_register_hazard(
        actor=actor,
        title=title,
        category=HazardCategory.FIRE,
        description="仓库后门消防通道堆放纸箱",
        lat=point[0],
        lon=point[1],
    )


def auditor_of_district_b(cast: Cast) -> User:
    return do_create_user(
        username="grace",
        password=PASSWORD,
        role=Role.AUDITOR,
        display_name="Grace",
        unit=cast.district_b,
        actor=None,
    )


def listed_ids(client: Client, **params: str) -> set[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return {e.pk for e in response.context["page"].object_list}


def test_it_sends_anonymous_visitors_to_the_login_page(cast: Cast) -> None:
    response = Client().get(LIST)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("name", ["dora", "alice", "erin", "bob"])
def test_it_refuses_users_without_the_audit_capability(cast: Cast, name: str) -> None:
    client = login(getattr(cast, name))
    assert client.get(LIST).status_code == 403
    assert client.get(EXPORT).status_code == 403
    event = AuditEvent.objects.first()
    assert event is not None
    assert client.get(reverse("audit:event-detail", args=[event.pk])).status_code == 403


def test_the_city_auditor_sees_events_of_both_districts_and_those_without_a_unit(
    cast: Cast,
) -> None:
    a = register(cast.bob, POINT_A)
    b = register(cast.charlie, POINT_B)
    ids = listed_ids(login(cast.frank), action="hazard.register")
    expected = AuditEvent.objects.filter(action="hazard.register", object_id__in=[a.pk, b.pk])
    assert ids == {e.pk for e in expected}
    unitless = AuditEvent.objects.filter(unit__isnull=True).values_list("pk", flat=True)
    assert set(unitless) <= listed_ids(login(cast.frank))
    assert unitless, "the cast's admin and bank are created without a unit"


def test_an_auditor_of_district_b_does_not_see_events_of_district_a(cast: Cast) -> None:
    grace = auditor_of_district_b(cast)
    a = register(cast.bob, POINT_A)
    b = register(cast.charlie, POINT_B)
    client = login(grace)
    ids = listed_ids(client)
    event_a = AuditEvent.objects.get(action="hazard.register", object_id=str(a.pk))
    event_b = AuditEvent.objects.get(action="hazard.register", object_id=str(b.pk))
    assert event_b.pk in ids
    assert event_a.pk not in ids
    assert not AuditEvent.objects.filter(pk__in=ids, unit__isnull=True).exists()
    assert all(
        e.unit is not None and cast.district_b.contains(e.unit)
        for e in AuditEvent.objects.filter(pk__in=ids)
    )
    assert client.get(reverse("audit:event-detail", args=[event_a.pk])).status_code == 404
    unitless = AuditEvent.objects.filter(unit__isnull=True).first()
    assert unitless is not None
    assert client.get(reverse("audit:event-detail", args=[unitless.pk])).status_code == 404


def test_the_admin_sees_everything(cast: Cast) -> None:
    ids = listed_ids(login(cast.admin))
    assert len(ids) == min(AuditEvent.objects.count(), 50)


def test_it_filters_by_actor_action_unit_and_channel(cast: Cast) -> None:
    register(cast.bob, POINT_A)
    register(cast.charlie, POINT_B)
    client = login(cast.frank)
    by_bob = listed_ids(client, actor="bob")
    assert by_bob == set(AuditEvent.objects.filter(actor=cast.bob).values_list("pk", flat=True))
    in_b = listed_ids(client, unit=cast.district_b.code)
    assert in_b == set(
        AuditEvent.objects.filter(unit__path__startswith=cast.district_b.path).values_list(
            "pk", flat=True
        )
    )
    cases = listed_ids(client, action="case.")
    assert cases == set(
        AuditEvent.objects.filter(action__startswith="case.").values_list("pk", flat=True)
    )
    assert listed_ids(client, channel="web") == set()
    assert listed_ids(client, channel="system")


def test_it_finds_the_events_of_a_case_by_its_reference(cast: Cast) -> None:
    hazard = register(cast.bob, POINT_A)
    register(cast.bob, POINT_A, title="另一条")
    # A unit with the same id as the hazard must not match a case reference.
    ids = listed_ids(login(cast.frank), object_id=hazard.reference)
    expected = AuditEvent.objects.filter(object_type="hazards.hazard", object_id=str(hazard.pk))
    assert ids == set(expected.values_list("pk", flat=True))
    assert ids


def test_it_filters_by_date_range(cast: Cast) -> None:
    tz = timezone.get_current_timezone()
    with time_machine.travel(datetime(2025, 3, 1, 10, tzinfo=tz), tick=False):
        old = record(cast.alice, "test.old", cast.station_a, unit=cast.station_a)
    with time_machine.travel(datetime(2025, 3, 5, 23, 30, tzinfo=tz), tick=False):
        new = record(cast.alice, "test.new", cast.station_a, unit=cast.station_a)
    client = login(cast.frank)
    assert listed_ids(client, action="test.", date_from="2025-03-02") == {new.pk}
    assert listed_ids(client, action="test.", date_to="2025-03-05") == {old.pk, new.pk}
    assert listed_ids(client, action="test.", date_to="2025-03-04") == {old.pk}


def test_it_shows_only_reveals_when_asked(cast: Cast) -> None:
    reveal = record(cast.alice, "personal.reveal", cast.company, unit=cast.grid_a, purpose="YH1")
    ids = listed_ids(login(cast.frank), reveals="true")
    assert ids == {reveal.pk}


def test_it_names_the_field_of_a_bad_filter_value_by_its_label(cast: Cast) -> None:
    response = login(cast.frank).get(LIST, {"date_from": "2026-99-01"})
    assert response.status_code == 400
    assert response.context["errors"] == {"date_from": "筛选条件“开始日期”的值“2026-99-01”无效。"}
    assert "Input should be" not in response.content.decode()
    assert list(response.context["page"].object_list) == []
    response = login(cast.frank).get(LIST, {"channel": "fax"})
    assert response.status_code == 400
    assert response.context["errors"] == {"channel": "筛选条件“渠道”的值“fax”无效。"}


def test_a_bad_filter_value_is_named_in_english_on_the_english_page(cast: Cast) -> None:
    client = login(cast.frank)
    response = client.get(LIST, {"date_from": "2026-99-01"}, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    [message] = response.context["errors"].values()
    assert "date_from" not in message and "Input should be" not in message
    assert "“2026-99-01”" in message and not any("\u4e00" <= ch <= "\u9fff" for ch in message)


def test_dates_in_the_wrong_order_are_refused_in_words(cast: Cast) -> None:
    response = login(cast.frank).get(LIST, {"date_from": "2026-03-05", "date_to": "2026-03-01"})
    assert response.status_code == 400
    assert list(response.context["errors"].values()) == ["结束日期不能早于开始日期。"]


def test_the_list_shows_actions_in_words_with_the_code_kept_small(cast: Cast) -> None:
    record(cast.alice, "auth.login", cast.alice, unit=cast.station_a)
    record(cast.alice, "case.assign", cast.station_a, unit=cast.station_a)
    record(cast.alice, "test.unknown", cast.station_a, unit=cast.station_a)
    record(
        cast.alice,
        "personal.reveal",
        register(cast.bob, POINT_A),
        unit=cast.station_a,
        purpose="核查 YH1",
        detail={"field": "responsible_phone"},
    )
    html = login(cast.frank).get(LIST).content.decode()
    assert '登录 <small class="muted"><code>auth.login</code></small>' in html
    assert '交办 <small class="muted"><code>case.assign</code></small>' in html
    assert "查看个人信息:责任人电话 <small" in html
    assert "<td><code>test.unknown</code></td>" in html  # an unknown code stays as it is


def test_it_pages_by_fifty(cast: Cast) -> None:
    for i in range(60):
        record(cast.alice, "test.bulk", cast.station_a, unit=cast.station_a, detail={"i": i})
    client = login(cast.frank)
    first = client.get(LIST, {"action": "test.bulk"})
    second = client.get(LIST, {"action": "test.bulk", "page": "2"})
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 10
    assert "page=2" in first.content.decode()


def test_htmx_gets_only_the_result_rows(cast: Cast) -> None:
    response = login(cast.frank).get(LIST, {"action": "user."}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<table" in html and "user.create" in html


def test_the_detail_page_shows_the_event_and_its_detail_json(cast: Cast) -> None:
    hazard = register(cast.bob, POINT_A)
    event = AuditEvent.objects.get(action="hazard.register", object_id=str(hazard.pk))
    response = login(cast.frank).get(reverse("audit:event-detail", args=[event.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '登记隐患 <small class="muted"><code>hazard.register</code></small>' in html
    assert "&quot;category&quot;: &quot;fire&quot;" in html
    assert login(cast.frank).get(reverse("audit:event-detail", args=[999999])).status_code == 404


def _csv(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def test_the_csv_export_holds_the_filtered_rows_and_is_itself_audited(cast: Cast) -> None:
    register(cast.bob, POINT_A)
    register(cast.charlie, POINT_B)
    grace = auditor_of_district_b(cast)
    response = login(grace).get(EXPORT, {"action": "hazard."})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][0] == "时间"
    assert [r[3] for r in rows[1:]] == ["hazard.register"]
    assert rows[1][9] == cast.grid_b.code
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor == grace
    assert export.unit == cast.district_b
    assert export.detail == {"filter": {"action": "hazard."}, "rows": 1}


def test_the_csv_export_defuses_spreadsheet_formulas(cast: Cast) -> None:
    record(cast.alice, "test.formula", None, unit=cast.station_a, purpose="=HYPERLINK(1)")
    rows = _csv(login(cast.frank).get(EXPORT, {"action": "test.formula"}))
    assert rows[1][13] == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    ("language", "headers", "labels"),
    [
        ("zh-hans", ["动作", "动作名称", "对象类型", "对象类型名称"], ["登记隐患", "隐患"]),
        (
            "en",
            ["Action", "Action name", "Object type", "Object type name"],
            ["Register hazard", "Hazard"],
        ),
    ],
)
def test_the_csv_export_puts_the_label_of_each_code_next_to_it(
    cast: Cast, language: str, headers: list[str], labels: list[str]
) -> None:
    register(cast.bob, POINT_A)
    record(cast.alice, "test.unlisted", None, unit=cast.station_a)
    client = login(cast.frank)
    client.cookies["django_language"] = language
    rows = _csv(client.get(EXPORT, {"action": "hazard."}))
    assert rows[0][3:7] == headers
    assert rows[1][3:7] == ["hazard.register", labels[0], "hazards.hazard", labels[1]]
    # A code without a label (and an event about no object) is written as it is.
    rows = _csv(client.get(EXPORT, {"action": "test."}))
    assert rows[1][3:7] == ["test.unlisted", "test.unlisted", "", ""]


def test_the_csv_export_names_the_revealed_field_and_writes_every_row(cast: Cast) -> None:
    hazard = register(cast.bob, POINT_A)
    detail = {"field": "responsible_contact"}
    record(cast.alice, "personal.reveal", hazard, unit=cast.station_a, detail=detail)
    for n in range(1234):  # more rows than one write of the stream holds
        record(None, "test.bulk", None, detail={"n": n})
    client = login(cast.frank)
    rows = _csv(client.get(EXPORT, {"action": "personal."}))
    reveal = AuditEvent.objects.get(action="personal.reveal")
    assert action_label(reveal).startswith(
        "查看个人信息:责任人"
    )  # the field's label, as on the page
    assert rows[1][1:5] == [str(cast.alice), "alice", "personal.reveal", action_label(reveal)]
    assert rows[1][9:11] == [cast.station_a.code, cast.station_a.name]
    rows = _csv(client.get(EXPORT, {"action": "test.bulk"}))
    assert len(rows) == 1 + 1234
    assert {r[2] for r in rows[1:]} == {""} and {r[9] for r in rows[1:]} == {""}
    assert sorted(int(r[14].removeprefix('{"n": ').rstrip("}")) for r in rows[1:]) == list(
        range(1234)
    )


def test_the_export_of_a_bad_filter_writes_nothing(cast: Cast) -> None:
    before = AuditEvent.objects.count()
    response = login(cast.frank).get(EXPORT, {"date_to": "2025-13-01"})
    assert response.status_code == 400
    assert response.content.decode() == "筛选条件“结束日期”的值“2025-13-01”无效。"
    assert AuditEvent.objects.count() == before


def test_the_export_does_not_include_its_own_row(cast: Cast) -> None:
    rows = _csv(login(cast.frank).get(EXPORT, {"action": "audit."}))
    assert rows[1:] == []
    rows = _csv(login(cast.frank).get(EXPORT, {"action": "audit."}))
    assert len(rows[1:]) == 1


def test_a_filter_dated_yesterday_excludes_today(cast: Cast) -> None:
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert listed_ids(login(cast.frank), date_to=yesterday) == set()
