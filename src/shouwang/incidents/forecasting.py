"""Hotspot forecasts of a jurisdiction, by the `engines.hotspots` engine.

The app's part is geography: the jurisdiction is the union of its grids' H3 cells; incidents
and cells are projected to the UTM zone of the area (metres, as the engine wants); the square
grid is masked to the cells whose centre falls inside the jurisdiction; each cell is tagged
with its station so patrol areas and duty levels can sum risk per station. The model itself
is the engine's. Forecasts are of places and times, never of people.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import h3
import numpy as np
import numpy.typing as npt
import shapely
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from shouwang.engines.hotspots import Events, SquareGrid, forecast
from shouwang.engines.hotspots.h3grid import H3Grid
from shouwang.engines.hotspots.projection import Projection, crs_of
from shouwang.engines.hotspots.shifts import SHIFT_HOURS, profile_volume, shift_risk
from shouwang.incidents.coords import project, unproject, utm_crs
from shouwang.incidents.filters import IncidentFilter, local_midnight
from shouwang.incidents.models import Incident
from shouwang.incidents.queries import incidents_for_user
from shouwang.orgs.choices import UnitKind
from shouwang.orgs.models import Unit
from shouwang.orgs.tree import stations_over

if TYPE_CHECKING:
    from shouwang.orgs.models import User

type Floats = npt.NDArray[np.float64]
type Ints = npt.NDArray[np.int64]

# Forecast cells: squares of a side in metres ("250"), or H3 hexagons of a resolution ("h3-9":
# ~0.1 km², about a 320 m square; "h3-8": ~0.7 km²). Hexagons have six equal neighbours and
# nest in the jurisdiction's own grid cells (resolution 8), so a station's area is exactly its
# cells; squares are what most published hotspot results use.
SQUARE_SIZES = (150, 250, 500)
H3_RESOLUTIONS = (8, 9)
CELLS = (*(str(s) for s in SQUARE_SIZES), *(f"h3-{r}" for r in H3_RESOLUTIONS))
DEFAULT_CELLS = "250"
# Pages, duty levels and the API use the engine's "best" map unless asked otherwise: it caught
# the most incidents in the benchmark (docs/hotspots.md), and on the demo city's 10,000
# incidents its map took 0.55 s and its 8-week concentration report 0.15 s more. Every model
# of the engine (`MODELS`) is offered; the self-exciting ones fit in under half a second there.
DEFAULT_MODEL = "best"
HORIZONS = (7, 14, 30)
# Years of history a forecast reads: enough for every model, bounded for the page.
LOOKBACK_DAYS = 3 * 365
CACHE_SECONDS = 600
# H3 resolution-8 cells are ~460 m across: the square grid extends this far past their centres.
_MARGIN_M = 600.0


class NoArea(Exception):
    """The jurisdiction has no grid cells to forecast on."""


@dataclass
class Prepared:
    """A jurisdiction's grid and its incidents, ready for any number of forecasts."""

    grid: SquareGrid | H3Grid
    crs: str
    events: Events
    station: Ints  # station unit id per grid cell; 0 outside every station
    stations: dict[int, Unit]
    cells: str  # one of CELLS

    @property
    def cell_km2(self) -> float:
        """The area of a cell (hexagons of one resolution differ by a few per cent: the mean)."""
        return float(self.grid.cell_areas[self.grid.active].mean()) / 1e6

    def ring(self, i: int) -> list[list[float]]:
        """The cell's outline in WGS-84 lon/lat, for GeoJSON."""
        if isinstance(self.grid, H3Grid):
            pairs = self.grid.cell_lonlat_ring(i)
            return [[round(a, 6), round(b, 6)] for a, b in pairs]
        xs, ys = zip(*self.grid.cell_ring(i), strict=True)
        lon, lat = unproject(np.array(xs), np.array(ys), self.crs)
        return [[round(a, 6), round(b, 6)] for a, b in zip(lon.tolist(), lat.tolist(), strict=True)]


@dataclass
class HotspotForecast:
    prepared: Prepared
    risk: Floats
    start: date
    horizon_days: int
    model: str
    # For one 8-hour shift of `start` (0: 00-08, 1: 08-16, 2: 16-24 local time): the band-of-day
    # map, and the incidents the hour-of-week profile expects in it.
    shift: int | None = None
    expected: float | None = None

    def top(self, k: int) -> Ints:
        """The `k` active cells of highest risk (ties by index), only cells with any risk."""
        active = np.flatnonzero(self.prepared.grid.active & (self.risk > 0))
        order = np.lexsort((active, -self.risk[active]))
        return active[order[:k]].astype(np.int64)

    def flagged(self, area_share: float) -> Ints:
        """The top cells covering `area_share` of the jurisdiction's area (at least one)."""
        k = max(1, int(self.prepared.grid.active.sum() * area_share))
        return self.top(k)


def area_cells(unit: Unit) -> tuple[dict[str, int], dict[int, Unit]]:
    """{H3 cell: station id (0 for none)} of the unit's grids, and the stations."""
    grids = list(
        Unit.objects.filter(path__startswith=unit.path, kind=UnitKind.GRID).only(
            "id", "path", "h3_cells"
        )
    )
    over = stations_over(grids)
    station_of = {pk: s.pk for pk, s in over.items()}
    cells = {str(c): station_of.get(g.pk, 0) for g in grids for c in g.h3_cells or []}
    return cells, {s.pk: s for s in over.values()}


def _station_shapes(cells: dict[str, int], crs: str) -> dict[int, shapely.Geometry]:
    """Each station's area (the union of its H3 cells) in the projected CRS."""
    by_station: dict[int, list[str]] = defaultdict(list)
    for cell, station in cells.items():
        by_station[station].append(cell)
    shapes = {}
    for station, members in by_station.items():
        polygons = []
        for cell in members:
            ring = np.array(h3.cell_to_boundary(cell), dtype=np.float64)  # (lat, lon) pairs
            x, y = project(ring[:, 1], ring[:, 0], crs)
            polygons.append(shapely.Polygon(np.column_stack([x, y])))
        shape = shapely.union_all(polygons)
        shapely.prepare(shape)
        shapes[station] = shape
    return shapes


def _square_grid(cells: dict[str, int], crs: str, side: float) -> tuple[SquareGrid, Ints]:
    """Squares over the jurisdiction, each tagged with the station (-1: none) whose H3 cells
    contain its centre: one vectorised point-in-polygon test per station (one H3 lookup per
    square took seconds on a city)."""
    centres = np.array([h3.cell_to_latlng(c) for c in cells], dtype=np.float64)
    cx, cy = project(centres[:, 1], centres[:, 0], crs)
    grid = SquareGrid.covering(cx, cy, cell=side, margin=_MARGIN_M)
    gx, gy = grid.centres
    station = np.full(grid.n_cells, -1, dtype=np.int64)
    for sid, shape in _station_shapes(cells, crs).items():
        station[shapely.contains_xy(shape, gx, gy)] = sid
    return SquareGrid(grid.x0, grid.y0, grid.cell, grid.nx, grid.ny, mask=station >= 0), station


def _hexagon_grid(cells: dict[str, int], crs: str, resolution: int) -> tuple[H3Grid, Ints]:
    """The jurisdiction's own H3 cells at ``resolution``: finer ones are their children, coarser
    ones their parents (a parent shared by two stations goes to the first met)."""
    at: dict[str, int] = {}
    for cell, station in cells.items():
        own = h3.get_resolution(cell)
        if resolution >= own:
            for child in h3.cell_to_children(cell, resolution):
                at[str(child)] = station
        else:
            at.setdefault(str(h3.cell_to_parent(cell, resolution)), station)
    grid = H3Grid(sorted(at), Projection(crs_of(4326), crs_of(crs), 1.0))
    return grid, np.array([at[c] for c in grid.cells], dtype=np.int64)


def _prepare(user: User, flt: IncidentFilter, unit: Unit, cells: str, until: date) -> Prepared:
    area, stations = area_cells(unit)
    if not area:
        raise NoArea(unit.code)
    centres = np.array([h3.cell_to_latlng(c) for c in area], dtype=np.float64)
    crs = utm_crs(float(centres[:, 1].mean()), float(centres[:, 0].mean()))
    grid: SquareGrid | H3Grid
    if cells.startswith("h3-"):
        grid, station = _hexagon_grid(area, crs, int(cells.removeprefix("h3-")))
    else:
        grid, station = _square_grid(area, crs, float(cells))
    rows = list(
        _incidents(user, flt, unit)
        .filter(
            occurred_at__gte=local_midnight(until - timedelta(days=LOOKBACK_DAYS)),
            occurred_at__lt=local_midnight(until),
        )
        .values_list("lon", "lat", "occurred_at")
    )
    lon = np.array([r[0] for r in rows], dtype=np.float64)
    lat = np.array([r[1] for r in rows], dtype=np.float64)
    # The engine's times are naive UTC seconds.
    t = np.array([int(r[2].timestamp()) for r in rows], dtype="int64").astype("datetime64[s]")
    x, y = project(lon, lat, crs) if rows else (lon, lat)
    return Prepared(grid, crs, Events(x, y, t), np.maximum(station, 0), stations, cells)


def _incidents(user: User, flt: IncidentFilter, unit: Unit) -> QuerySet[Incident]:
    flt = flt.model_copy(update={"date_from": None, "date_to": None, "unit": ""})
    return flt.apply(incidents_for_user(user)).filter(unit__path__startswith=unit.path).order_by()


def cache_key(user: User, flt: IncidentFilter, unit: Unit, *parts: object) -> str:
    # The key changes whenever incidents are added (count and newest id) or the scope differs.
    stamp = _incidents(user, flt, unit).aggregate(n=Count("pk"), last=Max("pk"))
    scope = user.unit.path if user.unit else "*"
    text = repr((scope, unit.path, flt.category, flt.source, stamp, parts))
    return "incidents.forecast." + hashlib.sha256(text.encode()).hexdigest()


def prepare(user: User, flt: IncidentFilter, unit: Unit, cells: str, until: date) -> Prepared:
    """The jurisdiction's grid of ``cells`` (one of CELLS) and its incidents before ``until``."""
    if cells not in CELLS:
        raise ValueError(f"cells must be one of {CELLS}, not {cells!r}")
    key = cache_key(user, flt, unit, "prepared", cells, until)
    found = cache.get(key)
    if isinstance(found, Prepared):
        return found
    prepared = _prepare(user, flt, unit, cells, until)
    cache.set(key, prepared, CACHE_SECONDS)
    return prepared


def utc_start(day: date) -> np.datetime64:
    return np.datetime64(int(local_midnight(day).timestamp()), "s")


def run(prepared: Prepared, start: date, horizon_days: int, model: str) -> HotspotForecast:
    risk = forecast(
        prepared.events,
        prepared.grid,
        start=utc_start(start),
        horizon=np.timedelta64(horizon_days * 86400, "s"),
        model=model,
    )
    return HotspotForecast(prepared, risk, start, horizon_days, model)


def run_shift(prepared: Prepared, day: date, shift: int) -> HotspotForecast:
    """The forecast for one 8-hour shift of `day`, in local time: the engine's bands of the day
    are read on local clocks (the events' UTC times moved by the local offset), so 16-24 is the
    evening here, not in Greenwich."""
    offset = local_midnight(day).utcoffset() or timedelta(0)
    local = Events(
        prepared.events.x,
        prepared.events.y,
        prepared.events.t + np.timedelta64(int(offset.total_seconds()), "s"),
    )
    begins = np.datetime64(day.isoformat(), "s") + np.timedelta64(shift * SHIFT_HOURS * 3600, "s")
    return HotspotForecast(
        prepared,
        shift_risk(local, prepared.grid, begins),
        day,
        horizon_days=0,
        model="shift",
        shift=shift,
        expected=profile_volume(local, begins),
    )


def make_forecast(
    user: User,
    flt: IncidentFilter,
    unit: Unit,
    *,
    start: date | None = None,
    horizon_days: int = 7,
    cells: str = DEFAULT_CELLS,
    model: str = DEFAULT_MODEL,
    shift: int | None = None,
) -> HotspotForecast:
    """The forecast for [start, start + horizon) over `unit`'s grids, or for one shift of
    `start` when `shift` is given; cached for a while."""
    start = start or timezone.localdate()
    prepared = prepare(user, flt, unit, cells, start)
    if shift is not None:
        return run_shift(prepared, start, shift)  # counts only: no fit worth caching
    key = cache_key(user, flt, unit, "risk", cells, start, horizon_days, model)
    risk = cache.get(key)
    if isinstance(risk, np.ndarray):
        return HotspotForecast(prepared, risk, start, horizon_days, model)
    result = run(prepared, start, horizon_days, model)
    cache.set(key, result.risk, CACHE_SECONDS)
    return result


def station_risk(fc: HotspotForecast) -> dict[int, float]:
    """Total forecast risk of each station's cells."""
    totals = np.bincount(fc.prepared.station, weights=fc.risk)
    return {sid: float(totals[sid]) if sid < totals.size else 0.0 for sid in fc.prepared.stations}
