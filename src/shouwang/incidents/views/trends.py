"""The trend page: a unit's counts per week or month with 同比 / 环比, its children and
categories, and the week's alert."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shouwang.incidents.choices import Period
from shouwang.incidents.params import parse_filter
from shouwang.incidents.trends import trend_report
from shouwang.incidents.views.common import actor_of, category_choices, chosen_unit
from shouwang.orgs.scoping import unit_choices


@login_required
@require_GET
def trends(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    unit = chosen_unit(request, actor)
    flt, errors = parse_filter(request.GET)
    period = request.GET.get("period", Period.WEEK)
    if period not in Period.values:
        errors.append(_("统计周期无效。"))
        period = Period.WEEK
    report = trend_report(actor, flt, unit, period)
    chart = {
        "labels": [s.isoformat() for s, _n, _y in report.chart],
        "current": [n for _s, n, _y in report.chart],
        "last_year": [y for _s, _n, y in report.chart],
        "names": {"current": _("本期"), "last_year": _("去年同期")},
    }
    context = {
        "unit": unit,
        "filter": flt,
        "period": period,
        "periods": Period.choices,
        "report": report,
        "chart": chart,
        "errors": errors,
        "units": unit_choices(actor),
        "categories": category_choices(),
    }
    return render(request, "incidents/trends.html", context, status=400 if errors else 200)


urlpatterns: list[URLPattern] = [path("trends/", trends, name="trends")]
