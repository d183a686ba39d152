from django.utils.translation import gettext_lazy as _

from shouwang.cases.kinds import CaseKind, register_kind
from shouwang.hazards.choices import HazardGrade
from shouwang.orgs.roles import Cap

HAZARD_KIND = register_kind(
    CaseKind(
        name="hazard",
        label=_("隐患"),
        prefix="YH",
        detail_url="hazards:hazard-detail",
        grades=HazardGrade,
        # Defaults; admins edit them in the SLA table (cases.SlaRule).
        default_sla_hours={
            HazardGrade.MAJOR: 30 * 24,
            HazardGrade.SIGNIFICANT: 15 * 24,
            HazardGrade.GENERAL: 7 * 24,
        },
        search_fields=("address", "responsible_name", "ledger_ref"),
        caps={
            "view": Cap.HAZARD_VIEW,
            "register": Cap.HAZARD_REGISTER,
            "manage": Cap.HAZARD_MANAGE,
            "rectify": Cap.HAZARD_RECTIFY,
            "verify": Cap.HAZARD_VERIFY,
        },
    )
)
