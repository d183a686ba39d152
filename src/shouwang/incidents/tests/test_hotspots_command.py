"""`shouwang hotspots evaluate|forecast` on a small synthetic city with one known hotspot."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path
from random import Random

import pytest
from django.core.management import CommandError, call_command

START = datetime(2024, 1, 1)
# A hot square around (1000, 1000) in a 3 km by 3 km city, in metres (EPSG:32650, UTM 50N).
X0, Y0 = 500_000.0, 3_500_000.0


def _events(path: Path) -> None:
    rng = Random(3)
    rows = ["x,y,t"]
    for day in range(200):
        for _ in range(6):
            if rng.random() < 0.6:
                x, y = X0 + 1000 + rng.uniform(0, 150), Y0 + 1000 + rng.uniform(0, 150)
            else:
                x, y = X0 + rng.uniform(0, 3000), Y0 + rng.uniform(0, 3000)
            t = START + timedelta(days=day, minutes=rng.randrange(1440))
            rows.append(f"{x:.1f},{y:.1f},{t:%Y-%m-%d %H:%M}")
    path.write_text("\n".join(rows), encoding="utf-8")


def test_evaluate_prints_pai_per_model_and_forecast_writes_geojson(tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    _events(events)
    out = StringIO()
    call_command(
        "hotspots",
        "evaluate",
        "--events",
        str(events),
        "--crs",
        "32650",
        "--cell",
        "150",
        "--horizon",
        "7d",
        "--from",
        "2024-05-01",
        "--to",
        "2024-07-15",
        "--models",
        "naive_all,kde",
        "--area",
        "0.05",
        stdout=out,
    )
    text = out.getvalue()
    assert "naive_all" in text and "kde" in text and "PAI" in text
    geojson = tmp_path / "cells.geojson"
    call_command(
        "hotspots",
        "forecast",
        "--events",
        str(events),
        "--crs",
        "32650",
        "--cell",
        "150",
        "--model",
        "naive_all",
        "--area",
        "0.05",
        "--out",
        str(geojson),
        stdout=StringIO(),
    )
    data = json.loads(geojson.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and data["features"]
    # The riskiest cell lies over the hotspot, in WGS-84.
    from pyproj import Transformer

    top = max(
        data["features"],
        key=lambda f: next(v for k, v in f["properties"].items() if k in {"risk", "score"}),
    )
    ring = top["geometry"]["coordinates"][0]
    lon = sum(p[0] for p in ring[:-1]) / (len(ring) - 1)
    lat = sum(p[1] for p in ring[:-1]) / (len(ring) - 1)
    x, y = Transformer.from_crs(4326, 32650, always_xy=True).transform(lon, lat)
    assert abs(x - (X0 + 1075)) < 200 and abs(y - (Y0 + 1075)) < 200


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command(
            "hotspots",
            "forecast",
            "--events",
            str(tmp_path / "none.csv"),
            "--crs",
            "32650",
            "--out",
            str(tmp_path / "x.geojson"),
        )
