"""The incident map (incidents, forecast cells, boundaries, concentration report), its GeoJSON
feeds, and the incident list and detail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from shouwang.common.htmx import render_page_or_partial
from shouwang.common.paging import CappedPaginator
from shouwang.incidents.concentration import cached_concentration
from shouwang.incidents.forecasting import HORIZONS, NoArea
from shouwang.incidents.geojson import (
    GEOJSON_TYPE,
    boundary_features,
    forecast_features,
    incident_features,
)
from shouwang.incidents.params import cell_choices, model_choices, parse_filter, parse_forecast
from shouwang.incidents.queries import access_incident, incidents_for_user
from shouwang.incidents.views.common import actor_of, category_choices, chosen_unit
from shouwang.orgs.scoping import unit_choices, units_for_user

MAP_DAYS = 28
SHIFT_LABELS = ((0, "00:00–08:00"), (1, "08:00–16:00"), (2, "16:00–24:00"))
PAGE_SIZE = 50


def _geo(body: dict[str, object], status: int = 200) -> JsonResponse:
    return JsonResponse(body, content_type=GEOJSON_TYPE, status=status)


@login_required
@require_GET
def incident_map(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    unit = chosen_unit(request, actor)
    flt, errors = parse_filter(request.GET)
    flt = flt.with_default_window(MAP_DAYS, timezone.localdate())
    params, forecast_errors = parse_forecast(request.GET)
    report = None
    expected: float | None = None
    no_area = False
    try:
        # Computed here so that an area without grids says so, and so that the map's own
        # request for the cells finds the forecast in the cache.
        fc = params.forecast(actor, flt, unit)
        expected = fc.expected
        report = cached_concentration(
            actor,
            flt,
            unit,
            start=params.start,
            model=params.model,
            area_share=params.area_share,
            cells=params.cells,
        )
    except NoArea:
        no_area = True
    query = request.GET.copy()
    query.setlist("unit", [unit.code])
    if "date_from" not in query and flt.date_from:
        query["date_from"] = flt.date_from.isoformat()
    context = {
        "unit": unit,
        "filter": flt,
        "params": params,
        "errors": errors + forecast_errors,
        "units": unit_choices(actor),
        "categories": category_choices(),
        "models": model_choices(),
        "horizons": HORIZONS,
        "cell_choices": cell_choices(),
        "shifts": SHIFT_LABELS,
        "expected": expected,
        "report": report,
        "no_area": no_area,
        "tile_url": settings.MAP_TILE_URL,
        "incidents_url": reverse("incidents:geojson") + "?" + query.urlencode(),
        "forecast_url": reverse("incidents:forecast-geojson") + "?" + query.urlencode(),
        "boundaries_url": reverse("incidents:boundaries") + "?unit=" + unit.code,
    }
    return render(request, "incidents/map.html", context, status=400 if errors else 200)


@login_required
@require_GET
def incident_geojson(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    unit = chosen_unit(request, actor)
    flt, errors = parse_filter(request.GET)
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    flt = flt.with_default_window(MAP_DAYS, timezone.localdate())
    qs = flt.apply(incidents_for_user(actor)).filter(unit__path__startswith=unit.path)
    return _geo(incident_features(qs))


@login_required
@require_GET
def forecast_geojson(request: HttpRequest) -> HttpResponse:
    """The flagged cells of the forecast: the top 1% or 5% of the jurisdiction's area."""
    actor = actor_of(request)
    unit = chosen_unit(request, actor)
    flt, errors = parse_filter(request.GET)
    params, more = parse_forecast(request.GET)
    if errors or more:
        return JsonResponse({"errors": errors + more}, status=400)
    try:
        fc = params.forecast(actor, flt, unit)
    except NoArea:
        return _geo({"type": "FeatureCollection", "features": []})
    return _geo(forecast_features(fc, fc.flagged(params.area_share).tolist()))


@login_required
@require_GET
def boundaries_geojson(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    unit = chosen_unit(request, actor)
    units = units_for_user(actor).filter(path__startswith=unit.path)
    response = _geo(boundary_features(units))
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    flt, errors = parse_filter(request.GET)
    qs = (
        flt.apply(incidents_for_user(actor)).select_related("category", "unit")
        if not errors
        else incidents_for_user(actor).none()
    )
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filter": flt,
        "errors": errors,
        "page": page,
        "query": params.urlencode(),
        "units": unit_choices(actor),
        "categories": category_choices(),
    }
    response = render_page_or_partial(
        request, "incidents/list.html", "incidents/partials/list_rows.html", context
    )
    if errors:
        response.status_code = 400
    return response


@login_required
@require_GET
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    incident = access_incident(actor, pk)
    context = {"incident": incident, "unit_chain": list(incident.unit.ancestors())}
    return render(request, "incidents/detail.html", context)


urlpatterns: list[URLPattern] = [
    path("", incident_list, name="list"),
    path("<int:pk>/", incident_detail, name="detail"),
    path("map/", incident_map, name="map"),
    path("map.geojson", incident_geojson, name="geojson"),
    path("forecast.geojson", forecast_geojson, name="forecast-geojson"),
    path("boundaries.geojson", boundaries_geojson, name="boundaries"),
]
