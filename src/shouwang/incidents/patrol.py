"""Patrol areas and response coverage.

Patrol areas: for each station, its cells of highest forecast risk until an area budget is
spent, and the share of the station's forecast risk they hold.

Response coverage: which parts of the jurisdiction a patrol waiting at given points reaches
within 5 and 15 minutes at a given speed, by straight-line distance (a road network would give
smaller, irregular areas; it is not modelled here). Reported as the share of the area (H3
cells whose centre is within reach) and of recent incidents within reach.
"""

from __future__ import annotations

from dataclasses import dataclass

import h3
import numpy as np
from scipy.spatial import cKDTree

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
    reach: dict[str, int]  # H3 cell -> minutes class reached (5, 15) or 0 beyond
    area_share: dict[int, float]  # minutes -> share of cells within reach
    incident_share: dict[int, float | None]  # minutes -> share of the incidents within reach


def coverage(
    points: list[tuple[float, float]],
    cells: list[str],
    incidents: list[tuple[float, float]],
    speed_kmh: float,
    crs: str,
) -> Coverage:
    """`points` and `incidents` as (lat, lon); `cells` the jurisdiction's H3 cells."""
    if not points:
        return Coverage(
            speed_kmh,
            dict.fromkeys(cells, 0),
            dict.fromkeys(REACH_MINUTES, 0.0),
            dict.fromkeys(REACH_MINUTES, 0.0 if incidents else None),
        )
    centres = np.array([h3.cell_to_latlng(c) for c in cells], dtype=np.float64).reshape(-1, 2)
    where = np.array(points, dtype=np.float64).reshape(-1, 2)
    tree = cKDTree(np.column_stack(project(where[:, 1], where[:, 0], crs)))

    def distance(latlon: np.ndarray) -> np.ndarray:
        if latlon.size == 0:
            return np.empty(0)
        d, _ = tree.query(np.column_stack(project(latlon[:, 1], latlon[:, 0], crs)))
        return np.asarray(d, dtype=np.float64)

    metres_per_minute = speed_kmh * 1000.0 / 60.0
    cell_minutes = distance(centres) / metres_per_minute
    incident_minutes = distance(np.array(incidents, dtype=np.float64).reshape(-1, 2))
    incident_minutes = incident_minutes / metres_per_minute
    reach = {}
    for cell, minutes in zip(cells, cell_minutes.tolist(), strict=True):
        reach[cell] = next((m for m in REACH_MINUTES if minutes <= m), 0)
    return Coverage(
        speed_kmh=speed_kmh,
        reach=reach,
        area_share={m: float((cell_minutes <= m).mean()) if cells else 0.0 for m in REACH_MINUTES},
        incident_share={
            m: float((incident_minutes <= m).mean()) if incidents else None for m in REACH_MINUTES
        },
    )
