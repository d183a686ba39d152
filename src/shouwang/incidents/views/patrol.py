"""The patrol page: each station's top forecast cells within an area budget and the share of
its forecast risk they cover; the response coverage of patrols at given points."""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field, replace
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shouwang.engines.roads import RoadNetwork, RoadNetworkError
from shouwang.incidents.filters import IncidentFilter, local_midnight
from shouwang.incidents.forecasting import HotspotForecast, NoArea, area_cells
from shouwang.incidents.geojson import GEOJSON_TYPE, coverage_features, forecast_features
from shouwang.incidents.params import cell_choices, parse_forecast
from shouwang.incidents.patrol import DEFAULT_SPEED_KMH, Coverage, coverage, patrol_areas
from shouwang.incidents.queries import incidents_for_user
from shouwang.incidents.roads import configured as roads_configured
from shouwang.incidents.roads import road_network
from shouwang.incidents.views.common import actor_of, chosen_unit
from shouwang.orgs.models import Unit, User
from shouwang.orgs.scoping import unit_choices

logger = logging.getLogger(__name__)
DEFAULT_BUDGET_KM2 = 0.5
COVERAGE_DAYS = 90
MAX_POINTS = 50


def _number(
    request: HttpRequest,
    name: str,
    label: str,
    bounds: tuple[float, float, float],
    errors: list[str],
) -> float:
    """The parameter clamped to [low, high]; the default, with an error, when it is not a
    finite number. ``bounds`` is (default, low, high)."""
    default, low, high = bounds
    text = request.GET.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        errors.append(_("%(field)s应为数字。") % {"field": label})
        return default
    return min(max(value, low), high)


def _points(text: str) -> list[tuple[float, float]] | None:
    """ "lat,lon;lat,lon" as pairs; None when the text is malformed."""
    found = []
    for part in [p for p in text.split(";") if p.strip()][:MAX_POINTS]:
        try:
            lat, lon = (float(v) for v in part.split(","))
        except ValueError:
            return None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        found.append((lat, lon))
    return found


@dataclass
class PatrolState:
    fc: HotspotForecast
    budget: float
    points: list[tuple[float, float]]
    reach: Coverage
    errors: list[str]  # the user's input: the page answers 400
    notices: list[str] = field(default_factory=list)  # the server's set-up, not the user's input


def _roads(request: HttpRequest, notices: list[str]) -> RoadNetwork | None:
    """The road network when one is configured and the user did not ask for straight lines."""
    if not roads_configured() or request.GET.get("route") == "straight":
        return None
    try:
        return road_network()
    except RoadNetworkError as exc:
        logger.warning("road network unusable: %s", exc)
        notices.append(_("路网文件无法读取,本次按直线距离计算:%(error)s") % {"error": exc})
        return None


def _state(request: HttpRequest, actor: User, unit: Unit) -> PatrolState:
    params, errors = parse_forecast(request.GET)
    budget = _number(request, "budget", _("巡逻面积"), (DEFAULT_BUDGET_KM2, 0.01, 100.0), errors)
    speed = _number(request, "speed", _("车速"), (DEFAULT_SPEED_KMH, 1.0, 200.0), errors)
    # Patrol areas cover the whole window: a shift's map is the incident map's business.
    fc = replace(params, shift=None).forecast(actor, IncidentFilter(), unit)
    areas = patrol_areas(fc, budget)
    points = _points(request.GET.get("points", ""))
    if points is None:
        errors.append(_("巡逻点格式应为“纬度,经度;纬度,经度”。"))
        points = []
    if not points:
        # By default a patrol waits at each station's hottest cell.
        lon_lat = [fc.prepared.ring(a.cells[0])[0] for a in areas if a.cells]
        points = [(round(lat, 5), round(lon, 5)) for lon, lat in lon_lat]
    cells = list(area_cells(unit)[0])
    since = local_midnight(timezone.localdate() - timedelta(days=COVERAGE_DAYS))
    incidents = list(
        incidents_for_user(actor)
        .filter(unit__path__startswith=unit.path, occurred_at__gte=since)
        .values_list("lat", "lon")
    )
    notices: list[str] = []
    roads = _roads(request, notices)
    reach = coverage(points, cells, incidents, speed, fc.prepared.crs, roads)
    return PatrolState(fc, budget, points, reach, errors, notices)


@login_required
@require_GET
def patrol(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    unit = chosen_unit(request, actor)
    try:
        state = _state(request, actor, unit)
    except NoArea:
        return render(request, "incidents/patrol.html", {"unit": unit, "no_area": True})
    query = request.GET.copy()
    query["unit"] = unit.code
    query["points"] = ";".join(f"{lat},{lon}" for lat, lon in state.points)
    context = {
        "unit": unit,
        "units": unit_choices(actor),
        "areas": patrol_areas(state.fc, state.budget),
        "budget": state.budget,
        "cells": state.fc.prepared.cells,
        "cell_choices": cell_choices(),
        "reach": state.reach,
        "roads_configured": roads_configured(),
        "points": state.points,
        "points_text": query["points"],
        "points_json": json.dumps(state.points),
        "errors": state.errors,
        "notices": state.notices,
        "tile_url": settings.MAP_TILE_URL,
        "areas_url": reverse("incidents:patrol-geojson") + "?" + query.urlencode(),
        "coverage_url": reverse("incidents:coverage-geojson") + "?" + query.urlencode(),
        "boundaries_url": reverse("incidents:boundaries") + "?unit=" + unit.code,
    }
    return render(request, "incidents/patrol.html", context, status=400 if state.errors else 200)


@login_required
@require_GET
def patrol_geojson(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    unit = chosen_unit(request, actor)
    try:
        state = _state(request, actor, unit)
    except NoArea:
        return JsonResponse({"type": "FeatureCollection", "features": []})
    cells = [c for a in patrol_areas(state.fc, state.budget) for c in a.cells]
    return JsonResponse(forecast_features(state.fc, cells), content_type=GEOJSON_TYPE)


@login_required
@require_GET
def coverage_geojson(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    unit = chosen_unit(request, actor)
    try:
        state = _state(request, actor, unit)
    except NoArea:
        return JsonResponse({"type": "FeatureCollection", "features": []})
    return JsonResponse(coverage_features(state.reach), content_type=GEOJSON_TYPE)


urlpatterns: list[URLPattern] = [
    path("patrol/", patrol, name="patrol"),
    path("patrol/areas.geojson", patrol_geojson, name="patrol-geojson"),
    path("patrol/coverage.geojson", coverage_geojson, name="coverage-geojson"),
]
