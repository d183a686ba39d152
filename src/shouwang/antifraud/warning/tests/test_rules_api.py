"""The rules over the API: the same life as on the rule pages (create, version, backtest,
switch on and off), the same checks, the same audit, the same scoping."""

import json
from datetime import timedelta
from typing import Any

import pytest

from shouwang.antifraud.warning.models import RuleVersion, WarningRule
from shouwang.antifraud.warning.tests.helpers import BURST_EVENTS, BURST_RULE, T0, ingest
from shouwang.audit.models import AuditEvent
from shouwang.common.apitest import token_client
from shouwang.common.testing import PASSWORD, Cast
from shouwang.orgs.actions import do_create_user
from shouwang.orgs.choices import Role

pytestmark = pytest.mark.django_db
API = "/api/v1/antifraud/warnings"


def _post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"{API}{path}", json.dumps(body or {}), content_type="application/json")


def _create(client: Any, rule_id: str = "burst", **extra: Any) -> dict[str, Any]:
    body = {"rule_id": rule_id, "definition": BURST_RULE, "fraud_type": "other", **extra}
    reply = _post(client, "/rules", body)
    assert reply.status_code == 201, reply.content
    created: dict[str, Any] = reply.json()
    return created


def test_a_rule_goes_from_draft_through_backtest_to_active_and_off(cast: Cast) -> None:
    ingest(cast, BURST_EVENTS)  # stored while no rule is on
    client = token_client(cast.ivan)
    rule = _create(client)
    assert (rule["rule_id"], rule["unit"], rule["active_version"]) == (
        "burst",
        cast.city.code,
        None,
    )
    [first] = rule["versions"]
    assert (first["version"], first["name"], first["backtests"]) == (1, "短时间呼叫多个号码", [])
    assert first["definition"]["id"] == "burst"

    # Not backtested: refused, and the rule stays off.
    refused = _post(client, f"/versions/{first['id']}/activate")
    assert refused.status_code == 422
    assert WarningRule.objects.get(pk=rule["id"]).active_version is None

    span = {
        "since": (T0 - timedelta(hours=1)).isoformat(),
        "until": (T0 + timedelta(hours=1)).isoformat(),
    }
    run = _post(client, f"/versions/{first['id']}/backtest", span)
    assert run.status_code == 201
    # By hand (helpers.BURST_EVENTS): 11 events, 2 warnings about 2 numbers.
    assert (run.json()["events"], run.json()["warnings"], run.json()["subjects"]) == (11, 2, 2)

    on = _post(client, f"/versions/{first['id']}/activate")
    assert (on.status_code, on.json()["active_version"]) == (200, 1)
    assert WarningRule.objects.get(pk=rule["id"]).active_version_id == first["id"]

    # A new version does not switch itself on.
    changed = {**BURST_RULE, "window": {**BURST_RULE["window"], "value": 3}}
    second = _post(client, f"/rules/{rule['id']}/versions", {"definition": changed})
    assert (second.status_code, second.json()["version"]) == (201, 2)
    assert client.get(f"{API}/rules/{rule['id']}").json()["active_version"] == 1

    off = _post(client, f"/rules/{rule['id']}/deactivate")
    assert (off.status_code, off.json()["active_version"]) == (200, None)
    actions = AuditEvent.objects.filter(action__startswith="warning.rule").values_list(
        "action", flat=True
    )
    assert sorted(actions) == sorted(
        ["warning.rule_version", "warning.rule_version", "warning.rule_on", "warning.rule_off"]
    )
    assert AuditEvent.objects.filter(action="warning.backtest").count() == 1


def test_a_bad_definition_names_the_part_and_writes_nothing(cast: Cast) -> None:
    bad = {**BURST_RULE, "when": {"field": "type", "op": "resembles", "value": "call"}}
    reply = _post(token_client(cast.ivan), "/rules", {"rule_id": "burst", "definition": bad})
    assert reply.status_code == 422
    assert list(reply.json()["detail"]) == ["definition.when.op"]
    assert not WarningRule.objects.exists() and not RuleVersion.objects.exists()


def test_a_taken_id_an_unknown_unit_and_a_wrong_period_are_refused(cast: Cast) -> None:
    client = token_client(cast.ivan)
    _create(client)
    again = _post(client, "/rules", {"rule_id": "burst", "definition": BURST_RULE})
    assert (again.status_code, list(again.json()["detail"])) == (422, ["id"])
    elsewhere = {"rule_id": "x", "definition": BURST_RULE, "unit": "990200"}
    unknown = _post(client, "/rules", elsewhere)
    assert (unknown.status_code, list(unknown.json()["detail"])) == (422, ["unit"])
    version = RuleVersion.objects.get()
    backwards = {"since": T0.isoformat(), "until": (T0 - timedelta(hours=1)).isoformat()}
    reply = _post(client, f"/versions/{version.pk}/backtest", backwards)
    assert (reply.status_code, list(reply.json()["detail"])) == (422, ["until"])
    assert WarningRule.objects.count() == 1


def test_an_analyst_below_reads_the_city_rules_but_changes_only_its_own(cast: Cast) -> None:
    analyst = token_client(cast.ivan)
    city_rule = _create(analyst)
    own = _create(analyst, "own", unit=cast.station_a.code)
    below = do_create_user(
        username="pete", password=PASSWORD, role=Role.FRAUD_ANALYST, unit=cast.station_a, actor=None
    )
    client = token_client(below)
    listed = {r["rule_id"]: r["editable"] for r in client.get(f"{API}/rules").json()}
    assert listed == {"burst": False, "own": True}
    # a station chief reads them all, changes none
    chief = {
        r["rule_id"]: r["editable"] for r in token_client(cast.alice).get(f"{API}/rules").json()
    }
    assert chief == {"burst": False, "own": False}
    version = city_rule["versions"][0]["id"]
    for path in (
        f"/rules/{city_rule['id']}/versions",
        f"/versions/{version}/activate",
        f"/rules/{city_rule['id']}/deactivate",
    ):
        assert _post(client, path, {"definition": BURST_RULE}).status_code == 404
    reply = _post(client, f"/rules/{own['id']}/versions", {"definition": BURST_RULE})
    assert reply.status_code == 201


def test_other_jurisdiction_and_partners_get_404(cast: Cast) -> None:
    rule = _create(token_client(cast.ivan), "own", unit=cast.station_a.code)
    version = rule["versions"][0]["id"]
    for user in (cast.charlie, cast.dora, cast.gina):
        client = token_client(user)
        assert client.get(f"{API}/rules/{rule['id']}").status_code == 404
        assert _post(client, f"/versions/{version}/activate").status_code == 404
        expected = 404 if user.is_outside_party else 200
        assert client.get(f"{API}/rules").status_code == expected
    assert token_client(cast.charlie, "list").get(f"{API}/rules").json() == []
    assert WarningRule.objects.get().active_version is None
