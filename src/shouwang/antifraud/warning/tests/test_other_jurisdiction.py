"""The other-jurisdiction case of every warning page and endpoint, and of the notices.

Station A (alice, bob in grid A) and station B (charlie, who also takes grid B's tasks, grid B
having no worker) are siblings under one city (ivan's centre). Each test builds rows on both
sides and checks that each side sees its own and none of the other's: lists, details (404),
writes (404, nothing changed), precision figures. Partner desks and companies get nothing.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shouwang.antifraud.actions import do_register_report
from shouwang.antifraud.intake import parse_report
from shouwang.antifraud.models import PartnerRequest
from shouwang.antifraud.tests.factories import report_payload
from shouwang.antifraud.warning.actions import do_save_rule_version
from shouwang.antifraud.warning.models import (
    Backtest,
    BlockProposal,
    RuleVersion,
    WarningEvent,
    WarningRule,
    WarningTask,
)
from shouwang.antifraud.warning.tests.helpers import (
    BURST_EVENTS,
    BURST_RULE,
    SCAMMER,
    T0,
    VICTIM_RULE,
    call,
    ingest,
    score_scammer,
    switched_on,
)
from shouwang.common.apitest import session_client, token_client
from shouwang.common.testing import PASSWORD, Cast
from shouwang.notices.choices import NoticeKind
from shouwang.notices.models import Notice
from shouwang.orgs.actions import do_create_user
from shouwang.orgs.choices import Role
from shouwang.orgs.models import Unit, User

pytestmark = pytest.mark.django_db
API = "/api/v1/antifraud/warnings"
PAGES = "/antifraud/warnings"
SIDE = {"alice": "a", "bob": "a", "charlie": "b"}
OTHER = {"a": "b", "b": "a"}
# Three distinct callees within ten minutes from a number of station B's feed: the burst fires.
WEST_BURST = [call("13700000101", f"1390000030{i}", 30 + i) for i in range(3)]


def _post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def _tasks_on_both_sides(cast: Cast) -> dict[str, WarningTask]:
    """A city rule's dissuasion task in grid A (bob's) and one in grid B (charlie's)."""
    score_scammer(cast)
    switched_on(cast, "victim", VICTIM_RULE)
    events = [
        call(SCAMMER, "13900001111", 0, grid=cast.grid_a.code),
        call(SCAMMER, "13900002222", 1, grid=cast.grid_b.code),
    ]
    tasks = {t.unit_id: t for t in ingest(cast, events).tasks}
    assert set(tasks) == {cast.grid_a.pk, cast.grid_b.pk}
    assert tasks[cast.grid_b.pk].assignee == cast.charlie
    return {"a": tasks[cast.grid_a.pk], "b": tasks[cast.grid_b.pk]}


def _analyst(name: str, unit: Unit) -> User:
    return do_create_user(
        username=name, password=PASSWORD, role=Role.FRAUD_ANALYST, unit=unit, actor=None
    )


def _link(task: WarningTask) -> str:
    return f'href="{PAGES}/tasks/{task.pk}/"'


# --- tasks -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
def test_the_task_queue_lists_only_ones_own_jurisdiction(cast: Cast, who: str) -> None:
    tasks = _tasks_on_both_sides(cast)
    own, other = tasks[SIDE[who]], tasks[OTHER[SIDE[who]]]
    user = getattr(cast, who)
    for state in ("open", "all"):
        page = session_client(user).get(f"{PAGES}/?state={state}")
        assert page.status_code == 200
        text = page.content.decode()
        assert _link(own) in text and _link(other) not in text
        listed = token_client(user, f"list-{state}").get(f"{API}/tasks?state={state}")
        assert [t["id"] for t in listed.json()] == [own.pk]
    # The centre above both sees both.
    both = token_client(cast.ivan).get(f"{API}/tasks?state=all").json()
    assert sorted(t["id"] for t in both) == sorted(t.pk for t in tasks.values())


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
def test_another_jurisdictions_task_is_404_to_read_and_to_answer(cast: Cast, who: str) -> None:
    tasks = _tasks_on_both_sides(cast)
    own, other = tasks[SIDE[who]], tasks[OTHER[SIDE[who]]]
    user = getattr(cast, who)
    browser, api = session_client(user), token_client(user)
    assert browser.get(f"{PAGES}/tasks/{other.pk}/").status_code == 404
    assert api.get(f"{API}/tasks/{other.pk}").status_code == 404
    answer = {"outcome": "false_alarm", "note": "不是我辖区的"}
    assert browser.post(f"{PAGES}/tasks/{other.pk}/", answer).status_code == 404
    assert _post(api, f"{API}/tasks/{other.pk}/outcome", answer).status_code == 404
    other.refresh_from_db()
    assert (other.state, other.outcome) == ("open", "")
    # One's own task opens and takes the answer.
    assert browser.get(f"{PAGES}/tasks/{own.pk}/").status_code == 200
    assert api.get(f"{API}/tasks/{own.pk}").json()["id"] == own.pk
    done = _post(api, f"{API}/tasks/{own.pk}/outcome", {"outcome": "dissuaded"})
    assert done.status_code == 200 and done.json()["state"] == "done"


# --- proposals and events ----------------------------------------------------------------------


def _proposals_on_both_sides(cast: Cast) -> dict[str, list[int]]:
    """A city rule's block proposals from station A's feed (2) and station B's (1), each feed
    posted by its own chief through the API."""
    switched_on(cast, "burst", BURST_RULE)
    east = _post(token_client(cast.alice, "feed"), f"{API}/events", {"events": BURST_EVENTS})
    west = _post(token_client(cast.charlie, "feed"), f"{API}/events", {"events": WEST_BURST})
    assert (east.status_code, west.status_code) == (201, 201)
    return {"a": east.json()["proposals"], "b": west.json()["proposals"]}


def test_events_are_received_by_the_submitters_jurisdiction(cast: Cast) -> None:
    proposals = _proposals_on_both_sides(cast)
    assert (len(proposals["a"]), len(proposals["b"])) == (2, 1)

    def units(model: Any, **where: Any) -> set[int]:
        return set(model.objects.filter(**where).values_list("unit", flat=True))

    east_sources = {e["src"] for e in BURST_EVENTS}
    assert units(WarningEvent, src__in=east_sources) == {cast.station_a.pk}
    assert units(WarningEvent, src="13700000101") == {cast.station_b.pk}
    assert units(BlockProposal, pk__in=proposals["a"]) == {cast.station_a.pk}
    assert units(BlockProposal, pk__in=proposals["b"]) == {cast.station_b.pk}
    # Each batch's proposals are announced to the people in charge of the receiving unit only.
    told = Notice.objects.filter(kind=NoticeKind.PROPOSALS)
    assert sorted(told.values_list("recipient__username", "params__n")) == [
        ("alice", 2),
        ("charlie", 1),
    ]


@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_proposals_list_only_ones_own_jurisdiction(cast: Cast, who: str) -> None:
    proposals = _proposals_on_both_sides(cast)
    own, other = proposals[SIDE[who]], proposals[OTHER[SIDE[who]]]
    user = getattr(cast, who)
    listed = token_client(user).get(f"{API}/proposals?state=all").json()
    assert sorted(p["id"] for p in listed) == sorted(own)
    page = session_client(user).get(f"{PAGES}/proposals/?state=all").content.decode()
    assert all(f'id="proposal-{pk}"' in page for pk in own)
    assert not any(f'id="proposal-{pk}"' in page for pk in other)
    centre = token_client(cast.ivan).get(f"{API}/proposals?state=all").json()
    assert sorted(p["id"] for p in centre) == sorted(own + other)


@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_another_jurisdictions_proposal_is_404_to_decide(cast: Cast, who: str) -> None:
    proposals = _proposals_on_both_sides(cast)
    own, other = proposals[SIDE[who]][0], proposals[OTHER[SIDE[who]]][0]
    user = getattr(cast, who)
    api, browser = token_client(user), session_client(user)
    for decision in ("approve", "reject"):
        reply = _post(api, f"{API}/proposals/{other}/{decision}", {"note": "越权"})
        assert reply.status_code == 404
        page = browser.post(
            f"{PAGES}/proposals/{other}/decide/", {"decision": decision, "note": "越权"}
        )
        assert page.status_code == 404
    assert BlockProposal.objects.get(pk=other).state == "pending"
    assert not PartnerRequest.objects.exists()
    # One's own: the page rejects, the API approves another.
    page = browser.post(f"{PAGES}/proposals/{own}/decide/", {"decision": "reject", "note": "快递"})
    assert page.status_code == 302
    assert BlockProposal.objects.get(pk=own).state == "rejected"
    if who == "alice":
        approved = _post(api, f"{API}/proposals/{proposals['a'][1]}/approve")
        assert approved.status_code == 200 and approved.json()["state"] == "approved"


# --- precision ---------------------------------------------------------------------------------


def test_precision_counts_only_the_readers_jurisdiction(cast: Cast) -> None:
    score_scammer(cast)
    switched_on(cast, "burst", BURST_RULE)
    ingest_east = _post(token_client(cast.alice, "feed"), f"{API}/events", {"events": BURST_EVENTS})
    assert len(ingest_east.json()["proposals"]) == 2  # at station A; PHONE_2 (SCAMMER) scored
    tasks = _tasks_on_both_sides(cast)
    _post(token_client(cast.bob), f"{API}/tasks/{tasks['a'].pk}/outcome", {"outcome": "dissuaded"})
    _post(
        token_client(cast.charlie),
        f"{API}/tasks/{tasks['b'].pk}/outcome",
        {"outcome": "false_alarm"},
    )

    def table(user: User) -> dict[str, list[tuple[str, int, int, int]]]:
        got = token_client(user, "precision").get(f"{API}/precision")
        assert got.status_code == 200
        page = session_client(user).get(f"{PAGES}/precision/")
        assert page.status_code == 200
        answer = {
            key: [(r["version"], r["warnings"], r["confirmed"], r["false_alarms"]) for r in rows]
            for key, rows in got.json().items()
        }
        shown = {
            "by_rule_version": page.context["by_rule"],
            "by_model_version": page.context["by_model"],
        }
        assert answer == {
            key: [(r.label, r.warnings, r.confirmed, r.false_alarms) for r in rows]
            for key, rows in shown.items()
        }
        return answer

    assert table(cast.alice) == {
        "by_rule_version": [("burst v1", 2, 0, 0), ("victim v1", 1, 1, 0)],
        "by_model_version": [("20260101-abc", 2, 1, 0)],
    }
    assert table(cast.charlie) == {
        "by_rule_version": [("victim v1", 1, 0, 1)],
        "by_model_version": [("20260101-abc", 1, 0, 1)],
    }
    assert table(cast.ivan) == {
        "by_rule_version": [("burst v1", 2, 0, 0), ("victim v1", 2, 1, 1)],
        "by_model_version": [("20260101-abc", 3, 1, 1)],
    }


# --- rules, versions, backtests, uploads ------------------------------------------------------


def _rules_on_both_sides(cast: Cast) -> dict[str, RuleVersion]:
    """A rule of station A and one of station B, each switched on (by the centre above)."""
    east = switched_on(cast, "east-burst", BURST_RULE, unit=cast.station_a)
    west = do_save_rule_version(
        BURST_RULE, rule_id="west-burst", actor=cast.ivan, unit=cast.station_b
    )
    return {"a": east, "b": west}


@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_a_sibling_stations_rules_are_not_listed_and_404(cast: Cast, who: str) -> None:
    versions = _rules_on_both_sides(cast)
    own, other = versions[SIDE[who]], versions[OTHER[SIDE[who]]]
    client = session_client(getattr(cast, who))
    listing = client.get(f"{PAGES}/rules/").content.decode()
    assert own.rule.rule_id in listing and other.rule.rule_id not in listing
    assert client.get(f"{PAGES}/rules/{own.rule_id}/").status_code == 200
    assert client.get(f"{PAGES}/rules/{other.rule_id}/").status_code == 404


@pytest.mark.parametrize("action", ["backtest", "activate", "deactivate"])
def test_a_sibling_stations_analyst_cannot_touch_a_rule(cast: Cast, action: str) -> None:
    versions = _rules_on_both_sides(cast)
    east = versions["a"]
    west_analyst, east_analyst = _analyst("quinn", cast.station_b), _analyst("pete", cast.station_a)
    form = {
        "action": action,
        "since": (T0 - timedelta(hours=1)).isoformat(),
        "until": (T0 + timedelta(hours=1)).isoformat(),
    }
    west = session_client(west_analyst)
    assert west.post(f"{PAGES}/versions/{east.pk}/", form).status_code == 404
    assert west.get(f"{PAGES}/rules/{east.rule_id}/edit/").status_code == 404
    edit = {"definition": json.dumps(BURST_RULE), "fraud_type": "other"}
    assert west.post(f"{PAGES}/rules/{east.rule_id}/edit/", edit).status_code == 404
    rule = WarningRule.objects.get(pk=east.rule_id)
    assert (rule.active_version_id, rule.versions.count()) == (east.pk, 1)
    assert Backtest.objects.filter(version=east).count() == 1  # switched_on's own
    # The station's own analyst may.
    answer = session_client(east_analyst).post(f"{PAGES}/versions/{east.pk}/", form)
    assert answer.status_code == 302
    rule.refresh_from_db()
    changed = {
        "backtest": Backtest.objects.filter(version=east).count() == 2,
        "activate": rule.active_version_id == east.pk,
        "deactivate": rule.active_version_id is None,
    }
    assert changed[action]


def _upload(user: User, events: list[dict[str, Any]]) -> Any:
    content = "\n".join(json.dumps(e) for e in events).encode()
    feed = SimpleUploadedFile("feed.jsonl", content)
    return session_client(user).post(f"{PAGES}/upload/", {"what": "events", "file": feed})


def test_a_sibling_stations_upload_neither_fires_nor_backtests_a_rule(cast: Cast) -> None:
    east = switched_on(cast, "east-burst", BURST_RULE, unit=cast.station_a)
    assert _upload(cast.charlie, BURST_EVENTS).status_code == 200
    assert set(WarningEvent.objects.values_list("unit", flat=True)) == {cast.station_b.pk}
    assert not BlockProposal.objects.exists()
    pete = session_client(_analyst("pete", cast.station_a))
    window = {
        "action": "backtest",
        "since": (T0 - timedelta(hours=1)).isoformat(),
        "until": (T0 + timedelta(hours=1)).isoformat(),
    }

    def backtest() -> tuple[int, int]:
        assert pete.post(f"{PAGES}/versions/{east.pk}/", window).status_code == 302
        run = Backtest.objects.filter(version=east).latest("pk")
        return run.events, run.warnings

    assert backtest() == (0, 0)
    assert _upload(cast.alice, BURST_EVENTS).status_code == 200
    assert set(BlockProposal.objects.values_list("unit", flat=True)) == {cast.station_a.pk}
    assert backtest() == (len(BURST_EVENTS), 2)


# --- outside parties ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["dora", "gina", "hank", "erin"])
def test_outside_parties_get_nothing_from_any_warning_page_or_endpoint(
    cast: Cast, who: str
) -> None:
    task = _tasks_on_both_sides(cast)["a"]
    switched_on(cast, "burst", BURST_RULE)
    proposal = ingest(cast, BURST_EVENTS).proposals[0]
    version = RuleVersion.objects.get(rule__rule_id="burst")
    events = WarningEvent.objects.count()
    user = getattr(cast, who)
    browser, api = session_client(user), token_client(user)
    feed = SimpleUploadedFile("feed.jsonl", json.dumps(BURST_EVENTS[0]).encode())
    pages = {
        "queue": browser.get(f"{PAGES}/?state=all"),
        "task": browser.get(f"{PAGES}/tasks/{task.pk}/"),
        "outcome": browser.post(f"{PAGES}/tasks/{task.pk}/", {"outcome": "dissuaded"}),
        "proposals": browser.get(f"{PAGES}/proposals/?state=all"),
        "decide": browser.post(f"{PAGES}/proposals/{proposal.pk}/decide/", {"decision": "approve"}),
        "rules": browser.get(f"{PAGES}/rules/"),
        "rule": browser.get(f"{PAGES}/rules/{version.rule_id}/"),
        "new": browser.get(f"{PAGES}/rules/new/"),
        "edit": browser.get(f"{PAGES}/rules/{version.rule_id}/edit/"),
        "version": browser.post(f"{PAGES}/versions/{version.pk}/", {"action": "deactivate"}),
        "precision": browser.get(f"{PAGES}/precision/"),
        "upload": browser.post(f"{PAGES}/upload/", {"what": "events", "file": feed}),
    }
    # docs/early-warning.md: 403 on pages (no capability), 404 on every API endpoint.
    assert {k: r.status_code for k, r in pages.items()} == dict.fromkeys(pages, 403)
    replies = {
        "events": _post(api, f"{API}/events", {"events": BURST_EVENTS[:1]}),
        "tasks": api.get(f"{API}/tasks?state=all"),
        "task": api.get(f"{API}/tasks/{task.pk}"),
        "outcome": _post(api, f"{API}/tasks/{task.pk}/outcome", {"outcome": "dissuaded"}),
        "proposals": api.get(f"{API}/proposals?state=all"),
        "approve": _post(api, f"{API}/proposals/{proposal.pk}/approve"),
        "reject": _post(api, f"{API}/proposals/{proposal.pk}/reject", {"note": "x"}),
        "precision": api.get(f"{API}/precision"),
    }
    assert {k: r.status_code for k, r in replies.items()} == dict.fromkeys(replies, 404)
    task.refresh_from_db()
    proposal.refresh_from_db()
    version.rule.refresh_from_db()
    assert (task.state, proposal.state, version.rule.active_version_id) == (
        "open",
        "pending",
        version.pk,
    )
    assert WarningEvent.objects.count() == events
    # The same pages open for the police in charge (the test is not vacuous).
    assert session_client(cast.ivan).get(f"{PAGES}/rules/{version.rule_id}/").status_code == 200
    assert session_client(cast.bob).get(f"{PAGES}/tasks/{task.pk}/").status_code == 200


# --- notices -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "charlie", "dora", "hank"])
def test_the_bell_and_read_all_touch_only_ones_own_notices(cast: Cast, who: str) -> None:
    _tasks_on_both_sides(cast)  # tells bob (grid A) and charlie (grid B)
    bobs = Notice.objects.get(recipient=cast.bob)
    user = getattr(cast, who)
    browser, api = session_client(user), token_client(user)
    own = Notice.objects.filter(recipient=user, read_at__isnull=True).count()
    badge = browser.get("/notices/badge/").content.decode()
    assert ('id="bell-count"' in badge) == bool(own)
    assert browser.post("/notices/read-all/").status_code == 302
    assert _post(api, "/api/v1/notices/read-all").json() == {"marked": 0}
    assert not Notice.objects.filter(recipient=user, read_at__isnull=True).exists()
    bobs.refresh_from_db()
    assert bobs.read_at is None
    # Bob's own bell and read-all.
    assert ">1<" in session_client(cast.bob).get("/notices/badge/").content.decode()
    assert _post(token_client(cast.bob), "/api/v1/notices/read-all").json() == {"marked": 1}


@pytest.mark.parametrize("who", ["hank", "gina", "alice", "charlie"])
def test_a_desks_notice_is_its_own_organisations_only(cast: Cast, who: str) -> None:
    payload = report_payload(cast)
    payload["transfers"] = payload["transfers"][:1]  # money to cast.bank only
    do_register_report(parse_report(payload), actor=cast.alice)
    to_bank = Notice.objects.get(recipient=cast.dora)
    user = getattr(cast, who)
    browser, api = session_client(user), token_client(user)
    assert f"/notices/{to_bank.pk}/open/" not in browser.get("/notices/").content.decode()
    assert to_bank.pk not in [n["id"] for n in api.get("/api/v1/notices/").json()]
    assert browser.post(f"/notices/{to_bank.pk}/open/").status_code == 404
    assert _post(api, f"/api/v1/notices/{to_bank.pk}/read").status_code == 404
    to_bank.refresh_from_db()
    assert to_bank.read_at is None
    # The bank's own desk has it.
    dora = token_client(cast.dora)
    assert to_bank.pk in [n["id"] for n in dora.get("/api/v1/notices/").json()]
    assert (
        f"/notices/{to_bank.pk}/open/"
        in session_client(cast.dora).get("/notices/").content.decode()
    )
