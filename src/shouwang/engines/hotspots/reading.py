"""Reading incident points and study-area boundaries from CSV files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import shapely

from .errors import InputFileError
from .events import Events
from .projection import Projection


@dataclass(frozen=True)
class Loaded:
    """Events in metres and the projection that put them there (to go back to WGS-84)."""

    events: Events
    projection: Projection
    skipped: tuple[int, ...] = ()  # file rows left out (with ``skip_invalid``)


def _column(frame: pl.DataFrame, name: str, path: Path) -> pl.Series:
    if name not in frame.columns:
        raise InputFileError(
            f"{path}: no column {name!r}", path=str(path), row=1, column=name, problem="missing"
        )
    return frame[name]


def _read_csv(path: Path) -> pl.DataFrame:
    """All columns as text, so that each value can be checked and reported by row."""
    try:
        return pl.read_csv(path, infer_schema_length=0)
    except FileNotFoundError as exc:
        raise InputFileError(
            f"{path}: no such file", path=str(path), row=0, column="", problem="not_found"
        ) from exc
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        raise InputFileError(
            f"{path}: not a CSV file: {exc}", path=str(path), row=0, column="", problem="format"
        ) from exc


def _first_bad(ok: pl.Series) -> int:
    return int(np.flatnonzero(~ok.fill_null(False).to_numpy())[0])


def read_events(
    path: Path,
    crs: str | int,
    *,
    x_col: str = "x",
    y_col: str = "y",
    time_col: str = "t",
    metric: str | int | None = None,
    skip_invalid: bool = False,
) -> Loaded:
    """Points of a CSV file in ``crs``, as events in metres; a bad row raises with row and column.

    Rows are numbered as a spreadsheet shows them: the header is row 1, the first event row 2.
    With ``skip_invalid`` rows without a usable position or time are left out and listed instead
    (open data often has incidents without coordinates).
    """
    frame = _read_csv(path)
    skipped: tuple[int, ...] = ()
    if skip_invalid:
        usable = pl.lit(True)
        for name in (x_col, y_col):
            _column(frame, name, path)
            number = pl.col(name).str.strip_chars().cast(pl.Float64, strict=False)
            usable = usable & number.is_not_null() & number.is_finite()
        _column(frame, time_col, path)
        when = pl.col(time_col).str.strip_chars().str.replace(r"Z$", "")
        usable = usable & when.str.to_datetime(strict=False).is_not_null()
        keep = frame.select(usable.fill_null(False).alias("k"))["k"].to_numpy()
        skipped = tuple(int(i) + 2 for i in np.flatnonzero(~keep))
        frame = frame.filter(pl.Series(keep))
    columns: dict[str, pl.Series] = {}
    for name in (x_col, y_col):
        raw = _column(frame, name, path)
        values = raw.str.strip_chars().cast(pl.Float64, strict=False)
        ok = values.is_not_null() & values.is_finite()
        if not ok.all():
            bad = _first_bad(ok)
            raise InputFileError(
                f"{path}: row {bad + 2}, column {name!r}: not a number: {raw[bad]!r}",
                path=str(path), row=bad + 2, column=name, value=raw[bad], problem="number",
            )  # fmt: skip
        columns[name] = values
    raw_t = _column(frame, time_col, path)
    times = raw_t.str.strip_chars().str.replace(r"Z$", "").str.to_datetime(strict=False)
    ok = times.is_not_null()
    if not ok.all():
        bad = _first_bad(ok)
        raise InputFileError(
            f"{path}: row {bad + 2}, column {time_col!r}: not a date: {raw_t[bad]!r}",
            path=str(path), row=bad + 2, column=time_col, value=raw_t[bad], problem="time",
        )  # fmt: skip
    x = columns[x_col].to_numpy()
    y = columns[y_col].to_numpy()
    projection = Projection.for_data(crs, x, y, metric)
    mx, my = projection.to_metres(x, y)
    t = times.dt.cast_time_unit("ms").to_numpy().astype("datetime64[s]")
    return Loaded(Events(mx, my, t), projection, skipped)


def read_boundary(
    path: Path, projection: Projection, *, x_col: str = "x", y_col: str = "y"
) -> shapely.Polygon:
    """A boundary ring (CSV of vertices in the events' source CRS) as a polygon in metres."""
    frame = _read_csv(path)
    xs = _column(frame, x_col, path).cast(pl.Float64, strict=False)
    ys = _column(frame, y_col, path).cast(pl.Float64, strict=False)
    ok = xs.is_not_null() & ys.is_not_null()
    if not ok.all() or len(xs) < 3:
        bad = _first_bad(ok) if not ok.all() else len(xs)
        raise InputFileError(
            f"{path}: row {bad + 2}: a boundary needs at least three numeric vertices",
            path=str(path), row=bad + 2, column=x_col, problem="boundary",
        )  # fmt: skip
    mx, my = projection.to_metres(xs.to_numpy(), ys.to_numpy())
    polygon = shapely.make_valid(shapely.Polygon(np.column_stack([mx, my])))
    return polygon
