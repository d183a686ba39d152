"""Forecast cells as a GeoJSON FeatureCollection (RFC 7946: WGS-84 longitude/latitude)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .grid import Grid
from .metrics import top_cells
from .projection import Projection

FloatArray = npt.NDArray[np.float64]


def top_cells_geojson(
    risk: FloatArray,
    grid: Grid,
    projection: Projection,
    k: int,
    properties: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``k`` highest-risk cells as polygons with their rank, risk and share of all risk."""
    total = float(risk[grid.active].sum())
    features = []
    for rank, cell in enumerate(top_cells(risk, grid, k).tolist(), start=1):
        xs, ys = np.array(grid.cell_ring(cell)).T
        lon, lat = projection.to_lonlat(xs, ys)
        ring = [[round(a, 7), round(b, 7)] for a, b in zip(lon.tolist(), lat.tolist(), strict=True)]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "cell": cell,
                    "rank": rank,
                    "risk": float(risk[cell]),
                    "risk_share": float(risk[cell]) / total if total > 0 else 0.0,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features, **(properties or {})}
