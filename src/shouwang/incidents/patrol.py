"""Patrol areas and response coverage.

Patrol areas: for each station, its cells of highest forecast risk until an area budget is
spent, and the share of the station's forecast risk they hold.

Response coverage: which parts of the jurisdiction a patrol waiting at given points reaches
within 5 and 15 minutes at a given speed: along the roads of an OpenStreetMap extract when one
is configured (`engines/roads`: each road at its limit, never above the given speed), else by
straight-line distance at that speed. Reported as the share of the area (H3 cells whose centre
is within reach) and of recent incidents within reach.
"""

from __future__ import annotations

from dataclasses import dataclass

import h3
import numpy as np
from scipy.spatial import cKDTree

from shouwang.engines.roads import RoadNetwork
from shouwang.incidents.coords import project
from shouwang.incidents.forecasting import HotspotForecast
from shouwang.orgs.models import Unit

REACH_MINUTES = (5, 15)
DEFAULT_SPEED_KMH = 30.0


@dataclass(frozen=True)
class PatrolArea:
    station: Unit
    cells: list[int]  # forecast grid cells, highest risk first
    area_km2: float
    risk_share: float | None  # of the station's forecast risk; None when it has none


def patrol_areas(fc: HotspotForecast, budget_km2: float) -> list[PatrolArea]:
    prepared = fc.prepared
    k = max(1, int(budget_km2 / prepared.cell_km2 + 1e-9))
    areas = []
    for sid, station in sorted(prepared.stations.items(), key=lambda item: item[1].path):
        mine = np.flatnonzero((prepared.station == sid) & prepared.grid.active)
        risk = fc.risk[mine]
        total = float(risk.sum())
        order = np.lexsort((mine, -risk))
        top = [int(c) for c in mine[order[:k]] if fc.risk[c] > 0]
        share = float(fc.risk[top].sum()) / total if total > 0 else None
        areas.append(PatrolArea(station, top, len(top) * prepared.cell_km2, share))
    return areas


@dataclass(frozen=True)
class Coverage:
    speed_kmh: float
    by_road: bool  # along a road network, rather than in straight lines
    reach: dict[str, int]  # H3 cell -> minutes class reached (5, 15) or 0 beyond
    area_share: dict[int, float]  # minutes -> share of cells within reach
    incident_share: dict[int, float | None]  # minutes -> share of the incidents within reach


def coverage(
    points: list[tuple[float, float]],
    cells: list[str],
    incidents: list[tuple[float, float]],
    speed_kmh: float,
    crs: str,
    roads: RoadNetwork | None = None,
) -> Coverage:
    """`points` and `incidents` as (lat, lon); `cells` the jurisdiction's H3 cells."""
    by_road = roads is not None
    if not points:
        return Coverage(
            speed_kmh,
            by_road,
            dict.fromkeys(cells, 0),
            dict.fromkeys(REACH_MINUTES, 0.0),
            dict.fromkeys(REACH_MINUTES, 0.0 if incidents else None),
        )
    centres = np.array([h3.cell_to_latlng(c) for c in cells], dtype=np.float64).reshape(-1, 2)
    places = np.array(incidents, dtype=np.float64).reshape(-1, 2)
    if roads is not None:
        limit = float(max(REACH_MINUTES))
        cell_minutes = roads.minutes(points, centres, speed_kmh, limit)
        incident_minutes = roads.minutes(points, places, speed_kmh, limit)
    else:
        cell_minutes = _straight_minutes(points, centres, speed_kmh, crs)
        incident_minutes = _straight_minutes(points, places, speed_kmh, crs)
    reach = {}
    for cell, minutes in zip(cells, cell_minutes.tolist(), strict=True):
        reach[cell] = next((m for m in REACH_MINUTES if minutes <= m), 0)
    return Coverage(
        speed_kmh=speed_kmh,
        by_road=by_road,
        reach=reach,
        area_share={m: float((cell_minutes <= m).mean()) if cells else 0.0 for m in REACH_MINUTES},
        incident_share={
            m: float((incident_minutes <= m).mean()) if incidents else None for m in REACH_MINUTES
        },
    )


def _straight_minutes(
    points: list[tuple[float, float]], targets: np.ndarray, speed_kmh: float, crs: str
) -> np.ndarray:
    """Minutes from the nearest point to each target (lat, lon) in a straight line."""
    if targets.size == 0:
        return np.empty(0)
    where = np.array(points, dtype=np.float64).reshape(-1, 2)
    tree = cKDTree(np.column_stack(project(where[:, 1], where[:, 0], crs)))
    distance, _ = tree.query(np.column_stack(project(targets[:, 1], targets[:, 0], crs)))
    return np.asarray(distance, dtype=np.float64) / (speed_kmh * 1000.0 / 60.0)
