"""Where a request came from, made available to actions without threading it through calls.

The middleware sets it per request; jobs and commands leave it empty, and the audit row then
names the job or command instead.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    ip: str = ""
    user_agent: str = ""
    channel: str = "system"  # web, api, job, cli, system


_origin: ContextVar[Origin | None] = ContextVar("audit_origin", default=None)


def current_origin() -> Origin:
    return _origin.get() or Origin()


def set_origin(origin: Origin) -> object:
    return _origin.set(origin)


def reset_origin(token: object) -> None:
    _origin.reset(token)  # type: ignore[arg-type]
