"""Writes of the audit app: revealing one personal field, exporting the log. Both are audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from shouwang.audit.filters import AuditFilter
from shouwang.audit.log import record
from shouwang.audit.models import AuditEvent
from shouwang.audit.queries import events_for_user, personal_fields_of
from shouwang.common.errors import NotPermitted
from shouwang.orgs.roles import Cap

if TYPE_CHECKING:
    from shouwang.orgs.models import User

PURPOSE_MIN = 4
PURPOSE_MAX = 300  # AuditEvent.purpose


@transaction.atomic
def do_reveal_field(obj: Model, field: str, *, purpose: str, actor: User) -> str:
    """Return the clear value of one personal field, and record who asked for it and why.

    Only fields registered in `audit.queries` can be revealed, so a crafted request cannot
    read an arbitrary attribute. The audit row is written before the value leaves: if it
    cannot be written, nothing is revealed.
    """
    if not actor.can(Cap.PERSONAL_REVEAL):
        raise NotPermitted("reveal")
    try:
        spec = personal_fields_of(obj)
    except LookupError:
        raise ValidationError(
            {"model": _("该对象没有可查看的个人信息。")}, code="invalid"
        ) from None
    if not spec.visible(actor, obj):
        raise NotPermitted("reveal")
    if field not in spec.fields:
        raise ValidationError({"field": _("该字段不能查看。")}, code="invalid")
    purpose = purpose.strip()
    if len(purpose) < PURPOSE_MIN:
        raise ValidationError(
            {"purpose": _("请填写查看事由(案件编号或原因,至少 %(n)d 个字)。") % {"n": PURPOSE_MIN}},
            code="required",
        )
    if len(purpose) > PURPOSE_MAX:
        raise ValidationError(
            {"purpose": _("查看事由不能超过 %(n)d 个字。") % {"n": PURPOSE_MAX}}, code="too_long"
        )
    record(
        actor,
        "personal.reveal",
        obj,
        unit=spec.unit_of(obj),
        purpose=purpose,
        detail={"field": field},
    )
    return str(getattr(obj, field) or "")


@transaction.atomic
def do_export_audit_log(filters: AuditFilter, *, actor: User) -> QuerySet[AuditEvent]:
    """The rows of a CSV export, after recording the export itself.

    The rows are fixed to those that existed before the export's own row, so the file and the
    row count written in the audit row agree even while others keep writing.
    """
    if not actor.can(Cap.AUDIT_VIEW):
        raise NotPermitted("audit.export")
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rows = filters.apply(events_for_user(actor)).filter(pk__lte=last)
    record(
        actor,
        "audit.export",
        None,
        unit=actor.unit,
        detail={
            "filter": filters.model_dump(mode="json", exclude_defaults=True),
            "rows": rows.count(),
        },
    )
    return rows
