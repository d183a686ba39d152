from django.utils.translation import gettext_lazy as _

from shouwang.antifraud.choices import FraudGrade
from shouwang.cases.kinds import CaseKind, register_kind
from shouwang.orgs.roles import Cap

FRAUD_KIND = register_kind(
    CaseKind(
        name="fraud",
        label=_("诈骗报案"),
        prefix="ZP",
        grades=FraudGrade,
        detail_url="antifraud:report-detail",
        # Days to close a report once registered (the requests carry their own minute deadlines).
        default_sla_hours={
            FraudGrade.HUGE: 30 * 24,
            FraudGrade.LARGE: 30 * 24,
            FraudGrade.SIGNIFICANT: 60 * 24,
            FraudGrade.MINOR: 60 * 24,
        },
        search_fields=("ack_number", "narrative"),
        closes_directly=True,
        # Whoever may register a report may attach what the victim brought (chat screenshots,
        # transfer receipts): no rectification, so no other stage.
        evidence_steps={"material": "register"},
        caps={
            "view": Cap.FRAUD_VIEW,
            "register": Cap.FRAUD_REPORT,
            "manage": Cap.FRAUD_MANAGE,
            "rectify": Cap.FRAUD_MANAGE,
            "verify": Cap.FRAUD_MANAGE,
        },
    )
)
