"""Test helpers for the API: clients that act as a cast member, and one call shape for the
anonymous / no-permission / permitted / other-jurisdiction cases of every endpoint."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.test import Client

from shouwang.orgs.actions_tokens import do_create_api_token

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from shouwang.orgs.models import User


def session_client(user: User | None, *, enforce_csrf: bool = False) -> Client:
    """A browser: logged in as `user` (anonymous for None)."""
    client = Client(enforce_csrf_checks=enforce_csrf)
    if user is not None:
        client.force_login(user)
    return client


def token_client(user: User, name: str = "test") -> Client:
    """A system calling with a bearer token issued to `user`."""
    issued = do_create_api_token(user=user, name=name, actor=None)
    return Client(headers={"Authorization": f"Bearer {issued.raw}"})


@dataclass(frozen=True)
class Call:
    """One request to the API: JSON for `json`, multipart for `files` (with `form` fields)."""

    method: str
    path: str
    json: Mapping[str, Any] | None = None
    form: Mapping[str, Any] = field(default_factory=dict)
    files: Mapping[str, Any] | None = None

    def send(self, client: Client) -> Response:
        if self.method == "get":
            return client.get(self.path)
        if self.files is not None:
            return client.post(self.path, data={**self.form, **self.files})
        body = json.dumps(self.json or {})
        return client.post(self.path, data=body, content_type="application/json")


def errors_of(response: Response) -> dict[str, list[str]]:
    """The field errors of a 422 response."""
    assert response.status_code == 422, (response.status_code, response.content)
    detail: dict[str, list[str]] = response.json()["detail"]
    return detail
