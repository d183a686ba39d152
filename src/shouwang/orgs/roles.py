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
    # 反诈
    FRAUD_VIEW = "fraud.view"
    FRAUD_REPORT = "fraud.report"  # register a fraud report at a desk or from a 110 call
    FRAUD_MANAGE = "fraud.manage"  # requests, proposals, blocklist, clusters
    TRACE_RUN = "fraud.trace"  # fund-flow tracing
    RULE_EDIT = "fraud.rules"  # early-warning rules
    WARNING_HANDLE = "fraud.warning"  # 劝阻 tasks
    BLOCKLIST_LOOKUP = "blocklist.lookup"
    PARTNER_ANSWER = "partner.answer"  # a bank or carrier desk answers its own requests
    # 警情
    INCIDENT_VIEW = "incident.view"
    INCIDENT_IMPORT = "incident.import"
    DUTY_DECIDE = "duty.decide"  # accept or override a duty-level recommendation


_OFFICER = {
    Cap.HAZARD_VIEW,
    Cap.HAZARD_REGISTER,
    Cap.HAZARD_RECTIFY,
    Cap.HAZARD_VERIFY,
    Cap.PERSONAL_REVEAL,
    Cap.UNIT_DASHBOARD,
    Cap.FRAUD_VIEW,
    Cap.FRAUD_REPORT,
    Cap.WARNING_HANDLE,
    Cap.BLOCKLIST_LOOKUP,
    Cap.INCIDENT_VIEW,
}
_MANAGER = _OFFICER | {
    Cap.HAZARD_MANAGE,
    Cap.HAZARD_IMPORT,
    Cap.CAMPAIGN_MANAGE,
    Cap.FRAUD_MANAGE,
    Cap.TRACE_RUN,
    Cap.INCIDENT_IMPORT,
    Cap.DUTY_DECIDE,
}
# No unit dashboard: it counts hazards, which an analyst does not see (its figures would all be
# zero and its links would lead to a register the analyst may not open).
_FRAUD_ANALYST = {
    Cap.PERSONAL_REVEAL,
    Cap.FRAUD_VIEW,
    Cap.FRAUD_REPORT,
    Cap.FRAUD_MANAGE,
    Cap.TRACE_RUN,
    Cap.RULE_EDIT,
    Cap.WARNING_HANDLE,
    Cap.BLOCKLIST_LOOKUP,
    Cap.INCIDENT_VIEW,
}

ROLE_CAPABILITIES: dict[str, frozenset[Cap]] = {
    Role.GRID_WORKER: frozenset(_OFFICER),
    Role.STATION_CHIEF: frozenset(_MANAGER),
    Role.COMMAND: frozenset(_MANAGER),
    Role.FRAUD_ANALYST: frozenset(_FRAUD_ANALYST),
    # A bank's or carrier's desk sees and answers only its own organisation's requests.
    Role.PARTNER_DESK: frozenset({Cap.PARTNER_ANSWER, Cap.BLOCKLIST_LOOKUP}),
    # A responsible company sees and rectifies only what is assigned to it (see scoping).
    Role.RESPONSIBLE_UNIT: frozenset({Cap.HAZARD_VIEW, Cap.HAZARD_RECTIFY}),
    Role.AUDITOR: frozenset(
        {Cap.AUDIT_VIEW, Cap.HAZARD_VIEW, Cap.UNIT_DASHBOARD, Cap.FRAUD_VIEW, Cap.INCIDENT_VIEW}
    ),
    Role.ADMIN: frozenset(set(Cap)),
}


def capabilities(role: str) -> frozenset[Cap]:
    return ROLE_CAPABILITIES.get(role, frozenset())
