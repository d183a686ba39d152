"""GeoJSON (RFC 7946, WGS-84) of incidents, forecast cells, unit boundaries and coverage."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import h3
from django.db.models import QuerySet

from shouwang.incidents.categories import category_label
from shouwang.incidents.forecasting import HotspotForecast
from shouwang.incidents.models import Incident
from shouwang.incidents.patrol import Coverage
from shouwang.orgs.choices import UnitKind
from shouwang.orgs.models import Unit

GEOJSON_TYPE = "application/geo+json"
INCIDENT_LIMIT = 5000


def collection(features: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features, **extra}


def incident_features(queryset: QuerySet[Incident]) -> dict[str, Any]:
    rows = list(
        queryset.values(
            "pk", "lat", "lon", "occurred_at", "category__code", "category__name", "category__path"
        )[: INCIDENT_LIMIT + 1]
    )
    features = [
        {
            "type": "Feature",
            "id": r["pk"],
            "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
            "properties": {
                "id": r["pk"],
                "category": category_label(r["category__code"], r["category__name"]),
                "group": r["category__path"].strip("/").split("/")[0],
                "occurred_at": r["occurred_at"].isoformat(),
            },
        }
        for r in rows[:INCIDENT_LIMIT]
    ]
    return collection(features, truncated=len(rows) > INCIDENT_LIMIT)


def forecast_features(fc: HotspotForecast, cells: list[int]) -> dict[str, Any]:
    total = float(fc.risk.sum())
    stations = fc.prepared.stations
    features = []
    for rank, i in enumerate(cells, start=1):
        station = stations.get(int(fc.prepared.station[i]))
        features.append(
            {
                "type": "Feature",
                "id": int(i),
                "geometry": {"type": "Polygon", "coordinates": [fc.prepared.ring(int(i))]},
                "properties": {
                    "cell": int(i),
                    "rank": rank,
                    "risk": round(float(fc.risk[i]), 6),
                    "risk_share": round(float(fc.risk[i]) / total, 6) if total > 0 else 0.0,
                    "station": station.name if station else "",
                },
            }
        )
    return collection(
        features,
        start=fc.start.isoformat(),
        horizon_days=fc.horizon_days,
        model=fc.model,
        shift=fc.shift,
        expected_incidents=round(fc.expected, 2) if fc.expected is not None else None,
        cells=fc.prepared.cells,
        cell_km2=round(fc.prepared.cell_km2, 4),
        crs="EPSG:4326",
    )


def _geometry(cells: list[str]) -> dict[str, Any] | None:
    if not cells:
        return None
    try:
        geometry: dict[str, Any] = h3.cells_to_geo(cells)
    except (ValueError, TypeError, h3.H3BaseException):
        return None
    return geometry


def boundary_features(units: QuerySet[Unit]) -> dict[str, Any]:
    """Stations' and grids' areas, each the union of its grids' H3 cells: the map's basemap."""
    grids = list(units.filter(kind=UnitKind.GRID).only("id", "path", "h3_cells"))
    stations = list(units.filter(kind=UnitKind.STATION).only("id", "code", "name", "path"))
    cells: dict[int, list[str]] = defaultdict(list)
    for g in grids:
        for s in stations:
            if g.path.startswith(s.path):
                cells[s.pk].extend(str(c) for c in g.h3_cells or [])
                break
    features = []
    for s in stations:
        geometry = _geometry(cells[s.pk])
        if geometry is not None:
            features.append(
                {
                    "type": "Feature",
                    "id": s.pk,
                    "geometry": geometry,
                    "properties": {"code": s.code, "name": s.name, "kind": "station"},
                }
            )
    return collection(features)


def coverage_features(coverage: Coverage) -> dict[str, Any]:
    by_class: dict[int, list[str]] = defaultdict(list)
    for cell, minutes in coverage.reach.items():
        by_class[minutes].append(cell)
    features = []
    for minutes, cells in sorted(by_class.items()):
        geometry = _geometry(cells)
        if geometry is not None:
            features.append(
                {"type": "Feature", "geometry": geometry, "properties": {"minutes": minutes}}
            )
    return collection(features)
