"""The incidents app on the demo city: demo generation, import and page times.

    .venv/bin/python bench/incidents.py

Builds the demo city in a throw-away SQLite database under /tmp (never the project's), then
measures (1) the incident step of the demo load (goal: under 15 s for ~10,000 incidents),
(2) a 10,000-row import dry run with WGS-84 coordinates against the same rows in GCJ-02 and
BD-09 (ratio: the cost of the conversion) and a real import, and (3) the pages as the city
command user, cold (first request, empty cache) and warm.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

DB = Path(tempfile.gettempdir()) / "shouwang_bench_incidents.sqlite3"
for suffix in ("", "-wal", "-shm"):
    Path(f"{DB}{suffix}").unlink(missing_ok=True)
os.environ["SHOUWANG_SQLITE_PATH"] = str(DB)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.config.settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from shouwang.demo import generate  # noqa: E402
from shouwang.incidents.actions import do_import_incidents, do_save_import_mapping  # noqa: E402
from shouwang.incidents.coords import gcj02_to_bd09, wgs84_to_gcj02  # noqa: E402
from shouwang.incidents.models import Incident  # noqa: E402
from shouwang.orgs.models import User  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    timings: dict[str, float] = {}
    real = generate.make_incidents  # type: ignore[attr-defined]

    def timed(*args: object, **kwargs: object) -> int:
        started = time.monotonic()
        n = real(*args, **kwargs)  # type: ignore[arg-type]
        timings["incidents"] = time.monotonic() - started
        return n

    setattr(generate, "make_incidents", timed)  # noqa: B010 - patched for the timing
    summary = generate.load_demo(seed=2026)
    n = Incident.objects.count()
    print(
        f"demo load: {summary.seconds:.1f} s in all; incident step {timings['incidents']:.1f} s "
        f"for {n} incidents (goal < 15 s)"
    )

    command = User.objects.get(username="city")
    assert command.unit is not None
    rows = list(Incident.objects.values_list("occurred_at", "category__name", "lon", "lat")[:10000])
    lon = np.array([r[2] for r in rows])
    lat = np.array([r[3] for r in rows])
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    b_lon, b_lat = gcj02_to_bd09(g_lon, g_lat)
    files = {"EPSG:4326": (lon, lat), "GCJ-02": (g_lon, g_lat), "BD-09": (b_lon, b_lat)}
    results: dict[str, float] = {}
    for crs, (xs, ys) in files.items():
        text = io.StringIO()
        w = csv.writer(text)
        w.writerow(["报警时间", "警情类别", "经度", "纬度"])
        for (at, cat, _lo, _la), x, y in zip(rows, xs, ys, strict=True):
            local = timezone.localtime(at)
            w.writerow([local.strftime("%Y-%m-%d %H:%M:%S"), cat, f"{x:.7f}", f"{y:.7f}"])
        data = text.getvalue().encode()
        mapping = do_save_import_mapping(
            actor=command, unit=command.unit, name=f"bench {crs}",
            values={"time_column": "报警时间", "category_column": "警情类别", "x_column": "经度",
                    "y_column": "纬度", "crs": crs},
        )  # fmt: skip
        started = time.monotonic()
        result = do_import_incidents(
            io.BytesIO(data), filename="b.csv", mapping=mapping, actor=command, dry_run=True
        )
        results[crs] = time.monotonic() - started
        print(
            f"import dry run, {len(rows)} rows in {crs}: {results[crs]:.2f} s, "
            f"{len(result.errors)} errors, {len(result.duplicates)} duplicates of stored rows"
        )
    for crs in ("GCJ-02", "BD-09"):
        print(f"  ratio {crs} / EPSG:4326: {results[crs] / results['EPSG:4326']:.2f}")
    Incident.objects.all().delete()
    started = time.monotonic()
    result = do_import_incidents(io.BytesIO(data), filename="b.csv", mapping=mapping, actor=command)
    print(
        f"import written, {result.imported} rows (BD-09) into an empty table: "
        f"{time.monotonic() - started:.2f} s"
    )

    setup_test_environment()
    client = Client()
    client.force_login(command)
    pages = [
        "/incidents/map/",
        "/incidents/map/?cell=150&flag=5",
        "/incidents/map/?model=kde",
        "/incidents/map/?model=best",
        "/incidents/trends/",
        "/incidents/trends/?period=month",
        "/incidents/duty/",
        "/incidents/patrol/",
        "/incidents/?category=criminal",
        "/api/v1/incidents/forecast.geojson?flag=5",
    ]
    cache.clear()
    print(f"\n{'page (as the city command user)':46} {'cold s':>8} {'warm s':>8}")
    for url in pages:
        times = []
        for _ in range(2):
            started = time.monotonic()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            times.append(time.monotonic() - started)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{url:46} {times[0]:8.2f} {times[1]:8.2f}")


if __name__ == "__main__":
    main()
