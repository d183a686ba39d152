from __future__ import annotations

from typing import Any

from django.test import Client

from shouwang.audit.models import AuditEvent
from shouwang.common.testing import PASSWORD, Cast


def post_login(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_a_good_login_is_audited(cast: Cast, client: Client) -> None:
    response = post_login(client, "alice", PASSWORD)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == cast.alice and event.ip == "127.0.0.1"


def test_a_failed_login_is_audited_without_the_password(cast: Cast, client: Client) -> None:
    response = post_login(client, "Alice", "wrong password")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.detail == {"username": "alice"}
    assert "wrong password" not in str(event.detail)


def test_too_many_failures_lock_the_user_name_even_with_the_right_password(
    cast: Cast, client: Client, settings: Any
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        post_login(client, "alice", "nope")
    response = post_login(client, "alice", PASSWORD)
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert not AuditEvent.objects.filter(action="auth.login").exists()
    # Another user from another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert post_login(other, "bob", PASSWORD).status_code == 302


def test_failures_from_one_address_lock_that_address(cast: Cast, settings: Any) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    attacker = Client(REMOTE_ADDR="10.0.0.66")
    for name in ["u1", "u2", "u3"]:
        post_login(attacker, name, "nope")
    assert post_login(attacker, "bob", PASSWORD).status_code == 200
