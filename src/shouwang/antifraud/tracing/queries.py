"""Reads of fund tracing, scoped like the report they belong to: police in the report's
jurisdiction with the right to see fraud reports; partner desks and everyone else get 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from shouwang.antifraud.models import FraudReport, Transfer
from shouwang.antifraud.queries import access_report, reports_for_user
from shouwang.antifraud.tracing.models import Statement, StatementMapping, Trace
from shouwang.orgs.models import Organisation
from shouwang.orgs.roles import Cap

if TYPE_CHECKING:
    from shouwang.orgs.models import User


def traces_for_user(user: User) -> QuerySet[Trace]:
    return Trace.objects.filter(report__in=reports_for_user(user).values("pk"))


def access_trace(user: User, trace_id: int) -> Trace:
    found = Trace.objects.filter(pk=trace_id).values_list("report_id", flat=True).first()
    if found is None:
        raise Http404
    report = access_report(user, found)  # 404 when the report is out of scope
    trace = Trace.objects.select_related("created_by", "transfer").get(pk=trace_id)
    trace.report = report
    return trace


def access_transfer(user: User, report: FraudReport, transfer_id: int) -> Transfer:
    transfer = (
        Transfer.objects.select_related("to_indicator")
        .filter(pk=transfer_id, report=report)
        .first()
    )
    if transfer is None:
        raise Http404
    return transfer


def statements_of(report: FraudReport) -> QuerySet[Statement]:
    return Statement.objects.filter(report=report).select_related("organisation", "imported_by")


def mapping_banks(user: User) -> QuerySet[Organisation]:
    """Banks with a saved statement layout: the ones a statement can be imported under."""
    if user.is_outside_party or not user.can(Cap.FRAUD_VIEW):
        return Organisation.objects.none()
    with_mapping = StatementMapping.objects.values("organisation_id")
    return Organisation.objects.filter(pk__in=with_mapping).order_by("name")
