"""The victim's personal data in reports and transfers: masked everywhere, revealed only with
a purpose (audited). Partner desks never see it: a request carries the receiving account, not
the victim."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shouwang.audit.queries import case_visible, register_personal_fields

if TYPE_CHECKING:
    from django.db.models import Model

    from shouwang.orgs.models import Unit, User


def _report_unit(obj: Model) -> Unit | None:
    return getattr(obj, "unit", None)


def _transfer_visible(user: User, obj: Model) -> bool:
    return case_visible(user, obj.report)  # type: ignore[attr-defined]


def _transfer_unit(obj: Model) -> Unit | None:
    return obj.report.unit  # type: ignore[attr-defined, no-any-return]


register_personal_fields(
    "antifraud.fraudreport",
    {"victim_name": "name", "victim_phone": "phone", "victim_id_number": "id_number"},
    visible=case_visible,
    unit_of=_report_unit,
)
register_personal_fields(
    "antifraud.transfer",
    {"from_account": "account"},
    visible=_transfer_visible,
    unit_of=_transfer_unit,
)
