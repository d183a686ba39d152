"""Rows of history written in bulk: case transitions and audit events with their own times.

They carry the same fields, in the same shape, as the rows `cases.actions._move`,
`do_add_evidence`, `do_scan_overdue` and `audit.log.record` write one by one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shouwang.audit.models import AuditEvent
from shouwang.cases.models import CaseTransition, Evidence
from shouwang.demo.rawsql import RawTable
from shouwang.orgs.choices import Role
from shouwang.orgs.models import User

_DESKTOP = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36"
)
_PHONE = (
    "Mozilla/5.0 (Linux; Android 13; V2219A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Mobile Safari/537.36"
)


def origin_of(user: User) -> tuple[str, str]:
    """A stable intranet address and browser per user: grid workers report from phones."""
    pk = int(user.pk)
    ip = f"10.99.{pk // 200 % 250}.{pk % 200 + 20}"
    return ip, _PHONE if user.role == Role.GRID_WORKER else _DESKTOP


class History:
    """Buffers of transition, evidence and audit rows, with ids handed out in order."""

    def __init__(self) -> None:
        self.transitions = RawTable(CaseTransition)
        self.evidence = RawTable(Evidence)
        self.audit = RawTable(AuditEvent)
        # Ids are read from the tables on first use: rows the actions write before then
        # (campaigns, units) must be counted.
        self._next: dict[str, int] = {}
        self.transition_rows: list[dict[str, Any]] = []
        self.evidence_rows: list[dict[str, Any]] = []
        self.audit_rows: list[dict[str, Any]] = []
        self._origins: dict[int, tuple[str, str, str]] = {}

    def _id(self, table: str) -> int:
        if table not in self._next:
            raw = {"transition": self.transitions, "evidence": self.evidence, "audit": self.audit}
            self._next[table] = raw[table].next_id()
        value = self._next[table]
        self._next[table] = value + 1
        return value

    def transition(
        self,
        *,
        case_id: int,
        action: str,
        from_state: str,
        to_state: str,
        actor: User | None,
        at: datetime,
        note: str = "",
        detail: dict[str, Any] | None = None,
    ) -> None:
        self.transition_rows.append(
            {
                "id": self._id("transition"),
                "case_id": case_id,
                "action": action,
                "from_state": from_state,
                "to_state": to_state,
                "actor_id": actor.pk if actor else None,
                "note": note,
                "detail": detail or {},
                "at": at,
            }
        )

    def add_evidence(self, row: dict[str, Any]) -> int:
        pk = self._id("evidence")
        self.evidence_rows.append({"id": pk, **row})
        return pk

    def audit_event(
        self,
        *,
        actor: User | None,
        action: str,
        at: datetime,
        object_type: str,
        object_id: int,
        object_label: str,
        unit_id: int | None,
        detail: dict[str, Any],
        channel: str = "web",
    ) -> None:
        if actor is None:
            ip, agent, label = "", "", channel
        else:
            if actor.pk not in self._origins:
                self._origins[actor.pk] = (*origin_of(actor), str(actor))
            ip, agent, label = self._origins[actor.pk]
        self.audit_rows.append(
            {
                "id": self._id("audit"),
                "at": at,
                "actor_id": actor.pk if actor else None,
                "actor_label": label,
                "action": action,
                "object_type": object_type,
                "object_id": str(object_id),
                "object_label": object_label[:200],
                "unit_id": unit_id,
                "ip": ip,
                "user_agent": agent,
                "channel": channel,
                "purpose": "",
                "detail": detail,
            }
        )

    def flush(self) -> None:
        """Write the buffered rows. Transitions and evidence refer to cases written before."""
        self.evidence.insert(self.evidence_rows)
        self.transitions.insert(self.transition_rows)
        self.audit.insert(self.audit_rows)
        self.evidence_rows, self.transition_rows, self.audit_rows = [], [], []
