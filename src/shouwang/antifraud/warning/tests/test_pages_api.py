import html
import json
import re

import pytest

from shouwang.antifraud.models import FraudReport
from shouwang.antifraud.tests.factories import CARD_1 as CARD
from shouwang.antifraud.tests.factories import PHONE_1
from shouwang.antifraud.warning.models import RuleVersion, WarningEvent
from shouwang.antifraud.warning.tests.helpers import (
    BURST_EVENTS,
    BURST_RULE,
    SCAMMER,
    VICTIM_RULE,
    call,
    ingest,
    score_scammer,
    switched_on,
)
from shouwang.audit.models import AuditEvent
from shouwang.common.apitest import session_client, token_client
from shouwang.common.testing import Cast
from shouwang.orgs.models import User

pytestmark = pytest.mark.django_db
API = "/api/v1/antifraud/warnings"


def _task(cast: Cast) -> int:
    score_scammer(cast)
    switched_on(cast, "victim", VICTIM_RULE)
    result = ingest(cast, [call(SCAMMER, "13900001111", 0, grid=cast.grid_a.code, name="王小明")])
    return int(result.tasks[0].pk)


def test_the_task_page_shows_script_reasons_and_masked_person(cast: Cast) -> None:
    pk = _task(cast)
    page = session_client(cast.bob).get(f"/antifraud/warnings/tasks/{pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "139****1111" in text and "13900001111" not in text
    assert "0.970" in text
    # The model's reasons in words, the identifier kept for analysts as a tooltip only.
    visible = re.sub(r"<[^>]+>", " ", text)
    assert "平均通话时长(秒)" in visible and "12.5" in visible
    assert "主叫占比" in visible and "27.6%" in visible
    assert 'title="call_dur_mean"' in text and "call_dur_mean" not in visible
    assert "call_dispersion" in visible  # no label for it: the identifier stands in
    assert "不要转账" in text
    queue = session_client(cast.bob).get("/antifraud/warnings/").content.decode()
    assert f"/antifraud/warnings/tasks/{pk}/" in queue


def test_other_jurisdiction_and_partners_get_404_for_tasks(cast: Cast) -> None:
    pk = _task(cast)
    for user in (cast.charlie, cast.gina, cast.dora):
        assert session_client(user).get(f"/antifraud/warnings/tasks/{pk}/").status_code in (
            403,
            404,
        )
        client = token_client(user)
        assert client.get(f"{API}/tasks/{pk}").status_code == 404
        assert client.get(f"{API}/tasks").status_code == (404 if user.is_outside_party else 200)
    assert token_client(cast.charlie, "list").get(f"{API}/tasks").json() == []
    # Up the tree the station chief and the city analyst see it.
    for user in (cast.alice, cast.ivan):
        assert token_client(user).get(f"{API}/tasks/{pk}").status_code == 200


def test_partner_isolation_holds_for_proposals(cast: Cast) -> None:
    switched_on(cast, "burst", BURST_RULE)
    proposal = ingest(cast, BURST_EVENTS).proposals[0]
    for user in (cast.gina, cast.dora):
        client = token_client(user)
        assert client.get(f"{API}/proposals").status_code == 404
        for decision in ("approve", "reject"):
            reply = client.post(
                f"{API}/proposals/{proposal.pk}/{decision}",
                json.dumps({"note": "x"}),
                content_type="application/json",
            )
            assert reply.status_code == 404
        assert session_client(user).get("/antifraud/warnings/proposals/").status_code == 403
    proposal.refresh_from_db()
    assert proposal.state == "pending"
    # The approved proposal reaches the carrier desk as a request, and only that.
    approved = token_client(cast.ivan).post(
        f"{API}/proposals/{proposal.pk}/approve", "{}", content_type="application/json"
    )
    assert approved.status_code == 200
    desk = session_client(cast.gina).get("/antifraud/desk/").content.decode()
    assert PHONE_1[-4:] in desk
    # ... and through the desk's own API, while the warnings API stays closed to the desk.
    items = token_client(cast.gina, "desk").get("/api/v1/antifraud/requests").json()["items"]
    assert [(r["source"], r["indicator"]) for r in items] == [("warning", "+86" + PHONE_1)]
    bank = token_client(cast.dora, "desk").get("/api/v1/antifraud/requests").json()
    assert bank["items"] == []


@pytest.mark.parametrize("who", ["dora", "gina"])
def test_partner_desks_get_404_on_every_warnings_endpoint(cast: Cast, who: str) -> None:
    # docs/early-warning.md: partner desks see none of the warning loop, and the API does not
    # exist for them (not 200 with an empty list, not 403).
    pk = _task(cast)
    switched_on(cast, "burst", BURST_RULE)
    proposal = ingest(cast, BURST_EVENTS).proposals[0]
    client = token_client(getattr(cast, who))
    body = json.dumps({"note": "x"})
    replies = {
        "events": client.post(
            f"{API}/events",
            json.dumps({"events": [call(PHONE_1, "13900000001", 0)]}),
            content_type="application/json",
        ),
        "tasks": client.get(f"{API}/tasks"),
        "tasks all": client.get(f"{API}/tasks?state=all"),
        "task": client.get(f"{API}/tasks/{pk}"),
        "outcome": client.post(
            f"{API}/tasks/{pk}/outcome",
            json.dumps({"outcome": "dissuaded"}),
            content_type="application/json",
        ),
        "proposals": client.get(f"{API}/proposals"),
        "proposals all": client.get(f"{API}/proposals?state=all"),
        "approve": client.post(
            f"{API}/proposals/{proposal.pk}/approve", body, content_type="application/json"
        ),
        "reject": client.post(
            f"{API}/proposals/{proposal.pk}/reject", body, content_type="application/json"
        ),
        "precision": client.get(f"{API}/precision"),
    }
    assert {name: r.status_code for name, r in replies.items()} == dict.fromkeys(replies, 404)
    assert WarningEvent.objects.count() == 1 + len(BURST_EVENTS)  # nothing of theirs stored


def test_events_by_api_are_all_or_nothing_with_the_field_named(cast: Cast) -> None:
    client = token_client(cast.ivan)
    bad = {"events": [call(PHONE_1, "13900000001", 0), {"type": "fax", "time": "yesterday"}]}
    reply = client.post(f"{API}/events", json.dumps(bad), content_type="application/json")
    assert reply.status_code == 422
    assert {"events.1.type", "events.1.time"} <= set(reply.json()["detail"])
    assert not WarningEvent.objects.exists()
    switched_on(cast, "burst", BURST_RULE)
    ok = client.post(
        f"{API}/events", json.dumps({"events": BURST_EVENTS}), content_type="application/json"
    )
    assert ok.status_code == 201
    assert (ok.json()["events"], len(ok.json()["proposals"])) == (11, 2)


def test_a_grid_worker_cannot_submit_events(cast: Cast) -> None:
    reply = token_client(cast.bob).post(
        f"{API}/events",
        json.dumps({"events": [call(PHONE_1, "13900000001", 0)]}),
        content_type="application/json",
    )
    assert reply.status_code == 403


def test_outcome_lost_by_api_creates_a_report(cast: Cast) -> None:
    pk = _task(cast)
    reply = token_client(cast.bob).post(
        f"{API}/tasks/{pk}/outcome",
        json.dumps({"outcome": "lost", "loss_amount": "5000"}),
        content_type="application/json",
    )
    assert reply.status_code == 200, reply.content
    assert reply.json()["report_id"] == FraudReport.objects.get().pk


def test_event_file_errors_name_row_and_column_and_store_nothing(cast: Cast) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv_text = (
        "type,time,src,dst,amount\n"
        "call,2026-01-05T10:00:00+08:00,13812345678,13900000001,\n"
        "transfer,2026-01-05T10:01:00+08:00,6222,6223,lots\n"
        "transfer,2026-01-05T10:02:00+08:00,6222,6223,nan\n"
    )
    upload = SimpleUploadedFile("events.csv", csv_text.encode(), content_type="text/csv")
    page = session_client(cast.ivan).post(
        "/antifraud/warnings/upload/", {"what": "events", "file": upload}
    )
    assert page.status_code == 422
    assert 'data-key="row.2.amount"' in page.content.decode()
    # NaN is a float, but no amount: JSON columns cannot store it (a server error on PostgreSQL)
    assert 'data-key="row.3.amount"' in page.content.decode()
    assert not WarningEvent.objects.exists()


def test_the_rule_editor_shows_errors_by_path_and_saves_versions(cast: Cast) -> None:
    client = session_client(cast.ivan)
    bad = {**BURST_RULE, "flag": {"party": "src", "role": "arrest"}}
    page = client.post(
        "/antifraud/warnings/rules/new/",
        {"rule_id": "burst", "fraud_type": "other", "definition": json.dumps(bad)},
    )
    assert page.status_code == 422
    assert "definition.flag.role" in page.content.decode()
    assert not RuleVersion.objects.exists()
    saved = client.post(
        "/antifraud/warnings/rules/new/",
        {"rule_id": "burst", "fraud_type": "other", "definition": json.dumps(BURST_RULE)},
    )
    assert saved.status_code == 302
    version = RuleVersion.objects.get()
    client.post(f"/antifraud/warnings/versions/{version.pk}/", {"action": "activate"})
    version.rule.refresh_from_db()
    assert not version.rule.is_active  # no backtest yet
    client.post(
        f"/antifraud/warnings/versions/{version.pk}/",
        {"action": "backtest", "since": "2026-01-01T00:00", "until": "2026-01-06T00:00"},
    )
    client.post(f"/antifraud/warnings/versions/{version.pk}/", {"action": "activate"})
    version.rule.refresh_from_db()
    assert version.rule.active_version == version
    assert AuditEvent.objects.filter(action="warning.rule_on").count() == 1
    assert session_client(cast.bob).get("/antifraud/warnings/rules/new/").status_code == 403


def test_precision_page_and_api(cast: Cast) -> None:
    pk = _task(cast)
    token_client(cast.bob).post(
        f"{API}/tasks/{pk}/outcome",
        json.dumps({"outcome": "dissuaded"}),
        content_type="application/json",
    )
    table = token_client(cast.ivan).get(f"{API}/precision").json()
    assert table["by_rule_version"][0] == {
        "version": "victim v1",
        "warnings": 1,
        "confirmed": 1,
        "false_alarms": 0,
        "pending": 0,
        "precision": 1.0,
    }
    assert session_client(cast.ivan).get("/antifraud/warnings/precision/").status_code == 200


def test_the_editor_example_is_named_for_what_it_checks(cast: Cast) -> None:
    client = session_client(cast.ivan)
    for language, name in (
        ("zh-hans", "接到已确认涉诈号码来电"),
        ("en", "Call from a confirmed fraud number"),
    ):
        client.cookies["django_language"] = language
        page = client.get("/antifraud/warnings/rules/new/").content.decode()
        text = re.search(r'<textarea name="definition"[^>]*>(.*?)</textarea>', page, re.S)
        assert text is not None
        example = json.loads(html.unescape(text.group(1)))
        # The name speaks of confirmed fraud numbers (the blocklist), as the condition checks.
        assert example["name"] == name
        assert {"field": "src", "op": "in_list", "value": "blocklist"} in example["when"]["all"]
    saved = client.post(
        "/antifraud/warnings/rules/new/",
        {"rule_id": "example", "fraud_type": "other", "definition": json.dumps(example)},
    )
    assert saved.status_code == 302


def _app_task(cast: Cast) -> int:
    from shouwang.antifraud.warning.tests.test_actions import app_install_task

    return int(app_install_task(cast).pk)


def test_the_outcome_form_asks_where_the_money_went_and_keeps_what_was_typed(cast: Cast) -> None:
    pk = _app_task(cast)
    client = session_client(cast.bob)
    url = f"/antifraud/warnings/tasks/{pk}/"
    page = client.post(url, {"outcome": "lost", "loss_amount": "9000", "note": "已转账"})
    assert page.status_code == 200
    text = page.content.decode()
    # The error sits at the account field, and the officer's input is still there.
    field = re.search(r'name="to_account".*?</label>', text, re.S)
    assert field is not None and "请填写钱转到的账户" in field.group(0)
    assert ">已转账</textarea>" in text and 'value="9000"' in text
    assert FraudReport.objects.count() == 0
    done = client.post(
        url, {"outcome": "lost", "loss_amount": "9000", "to_kind": "bank_card", "to_account": CARD}
    )
    assert done.status_code == 302
    assert FraudReport.objects.get().transfers.get().to_indicator.value == CARD


def test_outcome_lost_by_api_takes_the_account_the_money_went_to(cast: Cast) -> None:
    pk = _app_task(cast)
    client = token_client(cast.bob)
    missing = client.post(
        f"{API}/tasks/{pk}/outcome",
        json.dumps({"outcome": "lost", "loss_amount": "9000"}),
        content_type="application/json",
    )
    assert missing.status_code == 422 and "to_account" in missing.content.decode()
    reply = client.post(
        f"{API}/tasks/{pk}/outcome",
        json.dumps({"outcome": "lost", "loss_amount": "9000", "to_account": CARD}),
        content_type="application/json",
    )
    assert reply.status_code == 200, reply.content
    assert reply.json()["report_id"] == FraudReport.objects.get().pk


def test_the_number_page_shows_its_score_reasons_and_warnings_in_scope(cast: Cast) -> None:
    from shouwang.antifraud.actions import do_register_report
    from shouwang.antifraud.intake import parse_report
    from shouwang.antifraud.models import Indicator
    from shouwang.antifraud.tests.factories import report_payload

    _task(cast)  # SCAMMER scored 0.97 and warned about a person in grid A (station A)
    for unit, chief in ((cast.station_a, cast.alice), (cast.station_b, cast.charlie)):
        do_register_report(parse_report(report_payload(cast)), unit=unit, actor=chief)
    number = Indicator.objects.get(value="+86" + SCAMMER)
    url = f"/antifraud/indicators/{number.pk}/"

    def side(user: User) -> str:
        text = session_client(user).get(url).content.decode()
        found = re.search(r'id="indicator-warnings".*?</section>', text, re.S)
        assert found is not None
        return found.group(0)

    own = side(cast.alice)
    assert "0.970" in own and "20260101-abc" in own
    assert "由它触发 1 条" in own
    # Station B's chief sees the score, but not the warning raised in station A.
    other = side(cast.charlie)
    assert "0.970" in other and "由它触发 0 条" in other
    # A number never scored says so.
    unscored = Indicator.objects.get(value="+86" + PHONE_1)
    text = session_client(cast.alice).get(f"/antifraud/indicators/{unscored.pk}/")
    assert "未评分" in text.content.decode()


def test_a_number_known_only_from_a_warning_has_its_page_in_the_centres_scope(
    cast: Cast,
) -> None:
    from shouwang.antifraud.models import Indicator
    from shouwang.antifraud.warning.actions import do_approve_proposal

    switched_on(cast, "burst", BURST_RULE)
    proposal = next(p for p in ingest(cast, BURST_EVENTS).proposals if p.value == PHONE_1)
    do_approve_proposal(proposal, actor=cast.ivan)  # a block request, no report
    number = Indicator.objects.get(value="+86" + PHONE_1)
    url = f"/antifraud/indicators/{number.pk}/"
    page = session_client(cast.ivan).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "已批准" in text  # the proposal, decided
    assert "号码封停" in text  # and its request
    # The proposal list links the approved number to that page.
    listing = session_client(cast.ivan).get("/antifraud/warnings/proposals/?state=approved")
    assert f'href="{url}"' in listing.content.decode()
    # The request belongs to the centre: a station, a partner desk see nothing of it.
    assert session_client(cast.alice).get(url).status_code == 404
    assert session_client(cast.dora).get(url).status_code in (403, 404)


def test_the_centre_dashboard_counts_warnings_in_the_readers_scope(cast: Cast) -> None:
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from shouwang.antifraud.warning.actions import do_record_outcome
    from shouwang.antifraud.warning.models import WarningTask

    score_scammer(cast)
    switched_on(cast, "victim", VICTIM_RULE)
    people = ("13900001111", "13900002222", "13900003333", "13900004444")
    events = [call(SCAMMER, p, n, grid=cast.grid_a.code) for n, p in enumerate(people)]
    tasks = ingest(cast, events).tasks
    do_record_outcome(tasks[0], outcome="dissuaded", actor=cast.bob)
    do_record_outcome(tasks[1], outcome="dissuaded", actor=cast.bob)
    do_record_outcome(tasks[2], outcome="lost", loss_amount=Decimal("800"), actor=cast.bob)
    # The fourth is still open, and past its deadline.
    WarningTask.objects.filter(pk=tasks[3].pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )

    def figures(user: User) -> str:
        page = session_client(user).get("/antifraud/dashboard/").content.decode()
        found = re.search(r'id="warning-figures".*?\n</div>', page, re.S)
        assert found is not None
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))

    own = figures(cast.alice)
    assert "Dissuasion" not in own  # the default language
    assert re.search(r"期间劝阻任务 4 .*劝阻成功 2 .*已被骗 1 .*劝阻成功率 66.7% ", own)
    assert re.search(r"按时反馈率 100.0% .*待劝阻 1 .*已超时未反馈 1 ", own)
    other = figures(cast.charlie)  # station B: none of grid A's tasks
    assert re.search(r"期间劝阻任务 0 .*劝阻成功率 — ", other)
    # The auditor sees the dashboard but works no warnings: no row of zeros.
    audited = session_client(cast.frank).get("/antifraud/dashboard/")
    assert audited.status_code == 200 and 'id="warning-figures"' not in audited.content.decode()
