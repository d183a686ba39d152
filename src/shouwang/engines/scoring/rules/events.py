"""Events as plain dicts, and their time.

An event is a mapping with at least ``type`` (``call``, ``sms``, ``transfer``, ``app_install``,
``alert``) and ``time`` (a timezone-aware ``datetime``, an ISO 8601 string with an offset, or
seconds since the epoch). Parties and the rest are free fields that rules name: by convention
``src`` and ``dst`` (caller and callee, sender and receiver, payer's and payee's account),
``amount``, ``duration``, ``app``, ``source`` (who raised an alert), ``text``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shouwang.engines.scoring.errors import ScoringError

EVENT_TYPES = frozenset({"call", "sms", "transfer", "app_install", "alert"})


class EventError(ScoringError):
    """Event number ``index`` (0-based, in arrival order) cannot be evaluated: ``problem`` is
    ``not_object``, ``bad_type``, ``bad_time`` or ``out_of_order``."""

    def __init__(self, problem: str, index: int, field: str = "", value: str = "") -> None:
        super().__init__(f"event {index}: {problem} {field} {value}".rstrip())
        self.problem = problem
        self.index = index
        self.field = field
        self.value = value


def event_seconds(event: Any, index: int) -> float:
    """The event's time in seconds since the epoch; a clear error otherwise."""
    if not isinstance(event, Mapping):
        raise EventError("not_object", index)
    kind = event.get("type")
    if kind not in EVENT_TYPES:
        raise EventError("bad_type", index, "type", repr(kind))
    value = event.get("time")
    if isinstance(value, bool):
        raise EventError("bad_time", index, "time", repr(value))
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise EventError("bad_time", index, "time", repr(value)) from None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.timestamp()
    raise EventError("bad_time", index, "time", repr(value))
