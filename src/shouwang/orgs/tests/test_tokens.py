from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from shouwang.audit.models import AuditEvent
from shouwang.common.apitest import Call, session_client, token_client
from shouwang.common.errors import ActionError, NotPermitted
from shouwang.common.testing import POINT_A, Cast
from shouwang.orgs.actions_tokens import do_create_api_token, do_revoke_api_token
from shouwang.orgs.models import ApiToken

API = "/api/v1/hazards/"
REGISTER = {
    "title": "违规堆放易燃物",
    "category": "fire",
    "description": "楼道堆放纸箱",
    "lat": POINT_A[0],
    "lon": POINT_A[1],
}


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_it_stores_only_the_hash_of_a_new_token(cast: Cast) -> None:
    issued = do_create_api_token(user=cast.alice, name="台账同步", actor=cast.alice)
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.raw.startswith("sw_") and len(issued.raw) > 40
    assert token.key_hash == hashlib.sha256(issued.raw.encode()).hexdigest()
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    stored += json.dumps(list(AuditEvent.objects.values()), default=str)
    assert issued.raw not in stored


def test_it_audits_the_creation_and_the_revocation(cast: Cast) -> None:
    issued = do_create_api_token(user=cast.bob, name="网格终端", actor=cast.admin)
    created = AuditEvent.objects.get(action="api_token.create")
    assert (created.actor, created.object_id) == (cast.admin, str(issued.token.pk))
    assert created.detail == {"user": "bob", "name": "网格终端"}
    assert created.unit == cast.grid_a
    do_revoke_api_token(issued.token, actor=cast.bob)
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=cast.bob).count() == 1


def test_a_valid_token_authenticates_as_its_user(cast: Cast) -> None:
    issued = do_create_api_token(user=cast.alice, name="大屏", actor=None)
    before = timezone.now()
    response = bearer(issued.raw).get(API)
    assert response.status_code == 200
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert token.last_used_at is not None and token.last_used_at >= before


def test_a_token_acts_with_its_users_scope_and_needs_no_csrf(cast: Cast) -> None:
    client = token_client(cast.bob)
    response = Call("post", API, json=REGISTER).send(client)
    assert response.status_code == 201
    event = AuditEvent.objects.get(action="hazard.register")
    assert (event.actor, event.channel) == (cast.bob, "api")
    assert Call("post", API, json=REGISTER).send(token_client(cast.dora, "x")).status_code == 403


def test_a_revoked_token_is_refused(cast: Cast) -> None:
    issued = do_create_api_token(user=cast.alice, name="大屏", actor=None)
    do_revoke_api_token(issued.token, actor=None)
    assert bearer(issued.raw).get(API).status_code == 401


def test_an_unknown_token_is_refused(cast: Cast) -> None:
    assert bearer("sw_not-a-real-token").get(API).status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(cast: Cast) -> None:
    issued = do_create_api_token(user=cast.alice, name="大屏", actor=None)
    cast.alice.is_active = False
    cast.alice.save(update_fields=["is_active"])
    assert bearer(issued.raw).get(API).status_code == 401


def test_it_refuses_to_revoke_a_token_twice(cast: Cast) -> None:
    issued = do_create_api_token(user=cast.alice, name="大屏", actor=None)
    do_revoke_api_token(issued.token, actor=cast.alice)
    with pytest.raises(ActionError):
        do_revoke_api_token(issued.token, actor=cast.alice)
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_only_the_owner_or_an_admin_may_issue_a_token(cast: Cast) -> None:
    with pytest.raises(NotPermitted):
        do_create_api_token(user=cast.alice, name="x", actor=cast.bob)
    with pytest.raises(NotPermitted):
        do_create_api_token(user=cast.bob, name="x", actor=cast.alice)
    assert do_create_api_token(user=cast.bob, name="x", actor=cast.admin).token.user == cast.bob
    assert not AuditEvent.objects.filter(action="api_token.create", actor=cast.alice).exists()


def test_it_requires_a_unique_name_among_live_tokens(cast: Cast) -> None:
    first = do_create_api_token(user=cast.alice, name="大屏", actor=None)
    with pytest.raises(ValidationError) as err:
        do_create_api_token(user=cast.alice, name=" 大屏 ", actor=None)
    assert "name" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        do_create_api_token(user=cast.alice, name="  ", actor=None)
    assert "name" in err.value.message_dict
    do_revoke_api_token(first.token, actor=None)
    assert do_create_api_token(user=cast.alice, name="大屏", actor=None).token.name == "大屏"


def test_the_command_prints_a_working_token(cast: Cast) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "alice", "--name", "银行对接", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert bearer(raw).get(API).status_code == 200
    assert "cannot be shown again" in err.getvalue()
    event = AuditEvent.objects.get(action="api_token.create")
    assert (event.actor, event.channel) == (None, "cli")


def test_the_command_revokes_a_token_by_name(cast: Cast) -> None:
    issued = do_create_api_token(user=cast.alice, name="银行对接", actor=None)
    call_command(
        "create_api_token", "alice", "--name", "银行对接", "--revoke", stdout=io.StringIO()
    )
    assert bearer(issued.raw).get(API).status_code == 401
    assert AuditEvent.objects.get(action="api_token.revoke").channel == "cli"
    with pytest.raises(CommandError, match="no live token"):
        call_command("create_api_token", "alice", "--name", "银行对接", "--revoke")


def test_the_command_names_an_unknown_user(cast: Cast) -> None:
    with pytest.raises(CommandError, match="nobody"):
        call_command("create_api_token", "nobody", "--name", "x")
    assert not ApiToken.objects.exists()


def test_a_session_needs_the_csrf_token_to_write(cast: Cast) -> None:
    client = session_client(cast.bob, enforce_csrf=True)
    refused = Call("post", API, json=REGISTER).send(client)
    assert refused.status_code == 403
    assert not AuditEvent.objects.filter(action="hazard.register").exists()
    client.get("/accounts/login/")  # any page that sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(
        API,
        data=json.dumps(REGISTER),
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert accepted.status_code == 201


def test_a_session_reads_without_csrf_and_anonymous_gets_401_not_a_csrf_error(cast: Cast) -> None:
    assert session_client(cast.alice, enforce_csrf=True).get(API).status_code == 200
    anonymous = Call("post", API, json=REGISTER).send(session_client(None, enforce_csrf=True))
    assert anonymous.status_code == 401
