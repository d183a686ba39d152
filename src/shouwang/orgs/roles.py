"""What each role may do. One table, read by every permission check.

Capabilities are checked *in addition to* jurisdiction scoping: a station chief may grade
hazards, but only hazards inside the station's subtree.
"""

from __future__ import annotations

from enum import StrEnum

from shouwang.orgs.choices import Role


class Cap(StrEnum):
    HAZARD_VIEW = "hazard.view"
    HAZARD_REGISTER = "hazard.register"
    HAZARD_MANAGE = "hazard.manage"  # grade, assign, cancel, reopen
    HAZARD_RECTIFY = "hazard.rectify"  # report rectification with evidence
    HAZARD_VERIFY = "hazard.verify"
    HAZARD_IMPORT = "hazard.import"
    CAMPAIGN_MANAGE = "campaign.manage"
    AUDIT_VIEW = "audit.view"
    PERSONAL_REVEAL = "personal.reveal"
    SLA_EDIT = "sla.edit"
    UNIT_DASHBOARD = "unit.dashboard"


_OFFICER = {
    Cap.HAZARD_VIEW,
    Cap.HAZARD_REGISTER,
    Cap.HAZARD_RECTIFY,
    Cap.HAZARD_VERIFY,
    Cap.PERSONAL_REVEAL,
    Cap.UNIT_DASHBOARD,
}
_MANAGER = _OFFICER | {
    Cap.HAZARD_MANAGE,
    Cap.HAZARD_IMPORT,
    Cap.CAMPAIGN_MANAGE,
}

ROLE_CAPABILITIES: dict[str, frozenset[Cap]] = {
    Role.GRID_WORKER: frozenset(_OFFICER),
    Role.STATION_CHIEF: frozenset(_MANAGER),
    Role.COMMAND: frozenset(_MANAGER),
    Role.FRAUD_ANALYST: frozenset({Cap.PERSONAL_REVEAL, Cap.UNIT_DASHBOARD}),
    Role.PARTNER_DESK: frozenset(),
    # A responsible company sees and rectifies only what is assigned to it (see scoping).
    Role.RESPONSIBLE_UNIT: frozenset({Cap.HAZARD_VIEW, Cap.HAZARD_RECTIFY}),
    Role.AUDITOR: frozenset({Cap.AUDIT_VIEW, Cap.HAZARD_VIEW, Cap.UNIT_DASHBOARD}),
    Role.ADMIN: frozenset(set(Cap)),
}


def capabilities(role: str) -> frozenset[Cap]:
    return ROLE_CAPABILITIES.get(role, frozenset())
