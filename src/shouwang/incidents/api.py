"""Incidents over HTTP: /api/v1/incidents/. Each endpoint parses its schema, scopes through the
queries (404 for missing and forbidden alike), calls the action and returns a schema."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from shouwang.common.api import ERRORS, FieldErrorsOut, api_user, responses
from shouwang.common.errors import NotPermitted
from shouwang.common.paging import capped_count
from shouwang.common.params import IsoDate
from shouwang.incidents.actions import do_import_incidents
from shouwang.incidents.actions_duty import do_decide_duty
from shouwang.incidents.duty import recommend_stations
from shouwang.incidents.filters import IncidentFilter
from shouwang.incidents.forecasting import NoArea
from shouwang.incidents.geojson import forecast_features
from shouwang.incidents.params import parse_forecast
from shouwang.incidents.queries import (
    access_incident,
    access_mapping,
    access_unit,
    home_unit,
    incidents_for_user,
    may_view,
    stations_for_user,
)
from shouwang.incidents.schemas import (
    AlertOut,
    ComparisonOut,
    DecisionIn,
    DecisionOut,
    DutyOut,
    ForecastIn,
    ImportOut,
    IncidentListOut,
    IncidentOut,
    PageIn,
    TrendRowOut,
    TrendsIn,
    TrendsOut,
    UnitRef,
)
from shouwang.incidents.trends import trend_report
from shouwang.orgs.models import Unit, User

router = Router(tags=["incidents"])


def _actor(request: HttpRequest) -> User:
    user = api_user(request)
    if not may_view(user):
        raise NotPermitted("incident.view")
    return user


def _unit(user: User, code: str) -> Unit:
    if code:
        return access_unit(user, code)
    unit = home_unit(user)
    if unit is None:
        raise Http404
    return unit


@router.get("/", response=responses(200, IncidentListOut), summary="List incidents")
def list_incidents(
    request: HttpRequest, filters: Query[IncidentFilter], page: Query[PageIn]
) -> IncidentListOut:
    qs = filters.apply(incidents_for_user(_actor(request))).select_related("category", "unit")
    count, capped = capped_count(qs)
    rows = qs[page.offset : page.offset + page.limit]
    return IncidentListOut(
        count=count,
        count_capped=capped,
        limit=page.limit,
        offset=page.offset,
        items=[IncidentOut.of(i) for i in rows],
    )


@router.post(
    "/import",
    # 422: the file's errors by row and column, or (a field missing) the errors of the form
    response={200: ImportOut, 201: ImportOut, **ERRORS, 422: ImportOut | FieldErrorsOut},
    summary="Import a CSV or Excel file with a saved mapping (multipart)",
)
def import_incidents(
    request: HttpRequest,
    mapping: Form[int],
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
) -> Status[ImportOut]:
    """All rows or, on any error, none: a 422 lists each error by row and column. Duplicates
    (same external id, or same category close in time and place) are listed and skipped."""
    user = getattr(request, "auth", None)
    assert isinstance(user, User)
    used = access_mapping(user, mapping)
    assert file.file is not None
    result = do_import_incidents(
        file.file, filename=file.name or "", mapping=used, actor=user, dry_run=dry_run
    )
    status = 422 if result.errors else 200 if dry_run else 201
    return Status(status, ImportOut.of(result))


@router.get(
    "/forecast.geojson",
    response=responses(200, dict[str, Any]),
    summary="Forecast hotspot cells as GeoJSON",
)
def forecast_cells(request: HttpRequest, params: Query[ForecastIn]) -> dict[str, Any]:
    """The flagged cells (the top 1% or 5% of the unit's area) of the engine's forecast for
    [start, start + horizon), with each cell's rank and share of the forecast risk. Forecasts
    are of places and times, never of people."""
    actor = _actor(request)
    unit = _unit(actor, params.unit)
    query = QueryDict(mutable=True)
    for key in ("horizon", "cell", "model", "flag"):
        query[key] = str(getattr(params, key))
    if params.start:
        query["start"] = params.start.isoformat()
    if params.shift is not None:
        query["shift"] = str(params.shift)
    settings_, errors = parse_forecast(query)
    if errors:
        raise ValidationError({"__all__": errors})
    try:
        fc = settings_.forecast(actor, IncidentFilter(category=params.category), unit)
    except NoArea:
        return {"type": "FeatureCollection", "features": []}
    return forecast_features(fc, fc.flagged(settings_.area_share).tolist())


@router.get("/trends", response=responses(200, TrendsOut), summary="Trends with 同比 and 环比")
def trends(request: HttpRequest, params: Query[TrendsIn]) -> TrendsOut:
    actor = _actor(request)
    unit = _unit(actor, params.unit)
    report = trend_report(actor, IncidentFilter(category=params.category), unit, params.period)

    def alert(a: Any) -> AlertOut:
        return AlertOut(
            week=a.week, observed=a.observed, expected=a.expected, upper=a.upper, alert=a.alert
        )

    return TrendsOut(
        unit=UnitRef.of(unit),
        period=params.period,
        comparison=ComparisonOut.of(report.comparison),
        alert=alert(report.alert),
        units=[
            TrendRowOut(
                code=r.code,
                name=r.label,
                comparison=ComparisonOut.of(r.comparison),
                alert=alert(r.alert) if r.alert else None,
            )
            for r in report.units
        ],
        categories=[
            TrendRowOut(code=r.code, name=r.label, comparison=ComparisonOut.of(r.comparison))
            for r in report.categories
        ],
    )


@router.get("/duty", response=responses(200, list[DutyOut]), summary="Duty-level recommendations")
def duty(request: HttpRequest, day: IsoDate | None = None) -> list[DutyOut]:
    """Each visible station's recommended level for the day (default tomorrow), its reasons
    and the latest decision."""
    actor = _actor(request)
    day = day or timezone.localdate() + timedelta(days=1)
    return [DutyOut.of(r) for r in recommend_stations(actor, list(stations_for_user(actor)), day)]


@router.post("/duty/decisions", response=responses(201, DecisionOut), summary="Accept or override")
def decide(request: HttpRequest, payload: DecisionIn) -> Status[DecisionOut]:
    actor = _actor(request)
    station = stations_for_user(actor).filter(code=payload.unit).first()
    if station is None:
        raise ValidationError({"unit": _("未知的派出所代码:%(code)s") % {"code": payload.unit}})
    decision = do_decide_duty(
        actor=actor, station=station, day=payload.day, level=payload.level, reason=payload.reason
    )
    return Status(201, DecisionOut.of(decision))


@router.get("/{incident_id}", response=responses(200, IncidentOut), summary="An incident")
def get_incident(request: HttpRequest, incident_id: int) -> IncidentOut:
    return IncidentOut.of(access_incident(_actor(request), incident_id))
