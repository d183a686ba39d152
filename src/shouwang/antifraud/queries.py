"""Reads of the anti-fraud centre, always scoped: police see their subtree, a partner desk sees
its own organisation's requests and nothing else (not the reports, not the victims)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from shouwang.antifraud.actions import request_visible_to
from shouwang.antifraud.models import FraudReport, Indicator, PartnerRequest
from shouwang.cases.queries import case_visible_to
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import for_user

if TYPE_CHECKING:
    from shouwang.orgs.models import User


def reports_for_user(user: User) -> QuerySet[FraudReport]:
    if not user.is_authenticated or user.is_outside_party or not user.can(Cap.FRAUD_VIEW):
        return FraudReport.objects.none()
    return for_user(FraudReport.objects.all(), user, unit_field="unit")


def access_report(user: User, report_id: int) -> FraudReport:
    report = FraudReport.objects.select_related("unit").filter(pk=report_id).first()
    if (
        report is None
        or user.is_outside_party
        or not user.can(Cap.FRAUD_VIEW)
        or not case_visible_to(user, report)
    ):
        raise Http404
    return report


def requests_for_user(user: User) -> QuerySet[PartnerRequest]:
    if not user.is_authenticated or not user.is_active:
        return PartnerRequest.objects.none()
    if user.is_outside_party:
        if not user.can(Cap.PARTNER_ANSWER) or user.organisation_id is None:
            return PartnerRequest.objects.none()
        return PartnerRequest.objects.filter(organisation_id=user.organisation_id)
    if not user.can(Cap.FRAUD_VIEW):
        return PartnerRequest.objects.none()
    return for_user(PartnerRequest.objects.all(), user, unit_field="unit")


def access_request(user: User, request_id: int) -> PartnerRequest:
    req = (
        PartnerRequest.objects.select_related("indicator", "organisation", "unit", "report")
        .filter(pk=request_id)
        .first()
    )
    if req is None or not request_visible_to(user, req):
        raise Http404
    return req


def indicators_for_user(user: User) -> QuerySet[Indicator]:
    """Indicators named in reports the user may see, or in requests of the user's units (an
    early warning's block request has no report) — for police; none for partners: they learn
    of indicators through their requests and the blocklist."""
    if not user.is_authenticated or user.is_outside_party or not user.can(Cap.FRAUD_VIEW):
        return Indicator.objects.none()
    reports = reports_for_user(user).values("pk")
    requests = requests_for_user(user).values("indicator_id")
    return Indicator.objects.filter(
        Q(report_links__report__in=reports) | Q(pk__in=requests)
    ).distinct()


def access_indicator(user: User, indicator_id: int) -> Indicator:
    ind = indicators_for_user(user).filter(pk=indicator_id).first()
    if ind is None:
        raise Http404
    return ind
