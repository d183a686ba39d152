"""Hotspot forecasting benchmark on ../shared/data/crime (see bench/README.md, "hotspots").

    .venv/bin/python bench/hotspots.py            # everything (~10 min on 2 shared cores)
    .venv/bin/python bench/hotspots.py --quick    # 8 weeks instead of 52, smaller timing city

(1) rolling origin: 52 weekly forecasts over the last year of each set, each from the data before
    it; pooled PAI at 0.25 mi², hit rate at 1% / 5% of the area, bootstrap 95% intervals over
    weeks, and each model's gain in caught incidents over the naive map of all past counts;
(2) the NIJ challenge's windows for Portland (fit to 2017-02-28; 1 week, 2 weeks, 1 month);
(3) time to fit and forecast a city of 100,000 events a year on 10,000 cells;
(4) 8-hour shift forecasts against the static map with an hour-of-week profile (Cincinnati,
    the only set with times of day);
(5) with --variants: the blend's gain under other configurations (sensitivity, ~1 min);
(6) hindsight ceilings at 0.25 mi²: how much a ranking that sees the evaluated weeks gains over
    the naive map (not forecasts: they bound what any forecast could gain).

    --dev moves (1), (5) and (6) to the 52 weeks before the last year: a development year on
    which configurations can be compared without looking at the reported one.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from shouwang.engines.hotspots import Events, SquareGrid, blend, etas, forecast, sepp  # noqa: E402
from shouwang.engines.hotspots.ceiling import hindsight_blend, interleaved  # noqa: E402
from shouwang.engines.hotspots.concentration import concentration  # noqa: E402
from shouwang.engines.hotspots.counts import cell_counts  # noqa: E402
from shouwang.engines.hotspots.evaluate import (  # noqa: E402
    backtest,
    bootstrap_indices,
    mean_pei,
    pooled,
    relative_gain,
    weekly_starts,
)
from shouwang.engines.hotspots.grid import Grid  # noqa: E402
from shouwang.engines.hotspots.metrics import n_flagged, score  # noqa: E402
from shouwang.engines.hotspots.reading import read_boundary, read_events  # noqa: E402
from shouwang.engines.hotspots.shifts import evaluate_shifts  # noqa: E402

DATA = Path(os.environ.get("SHOUWANG_DATA_DIR", ROOT / ".." / "shared" / "data")) / "crime"
SQ_MILE = 1609.344**2
CELL = 150.0
BASELINE = "naive_all"
MODELS = [BASELINE, "naive", "kde", "prospective", "sepp", "etas", "best"]
NIJ_BEST = {"portland_vehicle_theft": (32.6, 64.1, 47.0), "portland_burglary": (29.2, 28.0, 31.2)}
NIJ_WINDOWS = (("1 week", 7), ("2 weeks", 14), ("1 month", 31))


@dataclass
class Dataset:
    name: str
    events: Events
    grid: Grid


def load(name: str) -> Dataset:
    if name.startswith("portland"):
        loaded = read_events(
            DATA / f"{name}.csv", 2913, x_col="x_coordina", y_col="y_coordina", time_col="occ_date"
        )
        boundary = read_boundary(DATA / "portland_boundary.csv", loaded.projection)
        return Dataset(name, loaded.events, SquareGrid.inside(boundary, CELL))
    loaded = read_events(
        DATA / f"{name}.csv",
        4326,
        x_col="longitude",
        y_col="latitude",
        time_col="offense_date",
        skip_invalid=True,
    )
    ev = loaded.events
    # No boundary file: the study area is the convex hull of all the set's points.
    hull = shapely.MultiPoint(np.column_stack([ev.x, ev.y])).convex_hull
    return Dataset(name, ev, SquareGrid.inside(hull, CELL))


def describe(data: Dataset) -> str:
    area = float(data.grid.cell_areas[data.grid.active].sum())
    t = data.events.t
    return (
        f"{data.name}: {len(data.events)} events {str(t.min())[:10]}..{str(t.max())[:10]}, "
        f"{int(data.grid.active.sum())} active {CELL:.0f} m cells = {area / SQ_MILE:.1f} mi²"
    )


def evaluated_weeks(data: Dataset, weeks: int, shift: int = 0) -> list[np.datetime64]:
    """``weeks`` weekly starts ending with the set's last day, moved ``shift`` weeks earlier."""
    last = data.events.t.max().astype("datetime64[D]") + np.timedelta64(1, "D")
    first = last - np.timedelta64((weeks + shift) * 7, "D")
    return weekly_starts(first, weeks)


def rolling(data: Dataset, weeks: int, shift: int = 0) -> None:
    starts = evaluated_weeks(data, weeks, shift)
    first = starts[0]
    active = int(data.grid.active.sum())
    areas = {
        "0.25mi2": n_flagged(data.grid, 0.25 * SQ_MILE),
        "1%": round(0.01 * active),
        "5%": round(0.05 * active),
    }
    print(f"\n(1) rolling origin, {describe(data)}")
    print(f"    {weeks} weekly windows from {str(first)[:10]}; flagged cells {areas}")
    seconds: dict[str, float] = {}
    scores = {}
    flagged = {}
    for model in MODELS:
        t0 = time.perf_counter()
        result = backtest(data.events, data.grid, starts, "7d", [model], areas)
        seconds[model] = time.perf_counter() - t0
        scores[model] = result.scores[model]
        flagged[model] = result.flagged[model]
    index = bootstrap_indices(weeks, draws=2000, seed=0)
    print(
        f"    {'model':12s} {'PAI@0.25mi2 [95% CI]':>24s} {'hit@1% [CI]':>22s} "
        f"{'hit@5% [CI]':>22s} {'PEI':>5s}  {'gain@0.25mi2 [CI]':>24s} {'gain@1% [CI]':>24s} "
        f"{'gain@5% [CI]':>24s} {'jacc':>5s} {'s/fc':>6s}"
    )
    for model in MODELS:
        s = scores[model]
        pai = pooled(s["0.25mi2"], index, pai=True)
        h1, h5 = pooled(s["1%"], index, pai=False), pooled(s["5%"], index, pai=False)
        gains = [relative_gain(s[a], scores[BASELINE][a], index) for a in ("0.25mi2", "1%", "5%")]
        jacc = concentration(flagged[model]).mean_jaccard
        print(
            f"    {model:12s} {pai.value:7.2f} [{pai.low:6.2f},{pai.high:6.2f}]  "
            f"{h1.value:.3f} [{h1.low:.3f},{h1.high:.3f}]  "
            f"{h5.value:.3f} [{h5.low:.3f},{h5.high:.3f}] "
            f"{mean_pei(s['0.25mi2']):5.3f}  "
            + " ".join(f"{g.value:+7.1%} [{g.low:+6.1%},{g.high:+6.1%}]" for g in gains)
            + f" {jacc:5.2f} {seconds[model] / weeks:6.2f}"
        )
    top = concentration(flagged["best"])
    print(
        f"    concentration of 'best' at 5% of the area: {top.distinct_cells} distinct cells "
        f"flagged over {top.windows} weeks ({top.cells_per_window} a week), "
        f"{top.always_share:.0%} of them every week"
    )
    # What the self-exciting models find here: theta near 0 makes their maps their backgrounds.
    same_cell = sepp.fit(data.events, data.grid, first)
    near, _ = etas.fit(data.events, data.grid, first)
    print(
        f"    fitted at the first window: SEPP theta {same_cell.theta:.4f}, omega "
        f"{same_cell.omega:.3f}/day; ETAS theta {near.theta:.4f}, omega {near.omega:.3f}/day"
    )


def nij(data: Dataset) -> None:
    start = np.datetime64("2017-03-01T00:00:00", "s")
    k = n_flagged(data.grid, 0.25 * SQ_MILE)
    best = NIJ_BEST[data.name]
    print(f"\n(2) NIJ windows, {data.name}: fit on events before 2017-03-01, {k} cells flagged")
    print(f"    {'model':12s} " + " ".join(f"{w:>22s}" for w, _ in NIJ_WINDOWS) + "   (PAI / PEI)")
    for model in MODELS:
        cells = []
        for _label, days in NIJ_WINDOWS:
            horizon = np.timedelta64(days, "D")
            risk = forecast(data.events, data.grid, start, horizon, model)
            actual = cell_counts(data.events.between(start, start + horizon), data.grid)
            s = score(risk, actual, data.grid, k)
            cells.append(f"{s.pai:7.2f} / {s.pei:5.3f} ({s.hits:.0f}/{s.total:.0f})")
        print(f"    {model:12s} " + " ".join(f"{c:>22s}" for c in cells))
    print(f"    {'NIJ best':12s} " + " ".join(f"{b:>22.1f}" for b in best) + "   (PAI)")


def timing(events_per_year: int, side: int) -> None:
    rng = np.random.default_rng(0)
    cells = side * side
    # A city of `cells` cells: lognormal cell rates (a few busy places) and a year of events.
    rates = rng.lognormal(0.0, 1.2, cells)
    chosen = rng.choice(cells, events_per_year, p=rates / rates.sum())
    x = (chosen % side + rng.uniform(0, 1, events_per_year)) * CELL
    y = (chosen // side + rng.uniform(0, 1, events_per_year)) * CELL
    start = np.datetime64("2024-01-01T00:00:00", "s")
    t = start - (rng.uniform(0, 365, events_per_year) * 86400).astype(np.int64).astype(
        "timedelta64[s]"
    )
    events = Events(x, y, t)
    print(f"\n(3) fit and forecast one week: {events_per_year} events a year, {cells} cells")
    times = {}
    for model in MODELS:
        grid = SquareGrid(0.0, 0.0, CELL, side, side)  # a fresh grid: kernels built inside
        t0 = time.perf_counter()
        forecast(events, grid, start, "7d", model)
        times[model] = time.perf_counter() - t0
    for model in MODELS:
        ratio = times[model] / max(times[BASELINE], 1e-9)
        print(f"    {model:12s} {times[model]:8.3f} s   ({ratio:8.0f} x naive_all)")


def shifts(data: Dataset, weeks: int) -> None:
    last = data.events.t.max().astype("datetime64[D]") + np.timedelta64(1, "D")
    first = last - np.timedelta64(weeks * 7, "D")
    k = n_flagged(data.grid, 0.25 * SQ_MILE)
    result = evaluate_shifts(data.events, data.grid, first, weeks * 21, k)
    print(
        f"\n(4) 8-hour shifts, {data.name}: {weeks * 21} shifts from {str(first)[:10]}, {k} cells"
    )
    print(f"    incidents in the shifts            {result.incidents:.0f}")
    print(f"    hit rate, static all-past map      {result.hit_rate_static:.4f}")
    print(f"    hit rate, by-shift map             {result.hit_rate_by_shift:.4f}")
    ratio = result.hit_rate_by_shift / result.hit_rate_static
    print(f"    by-shift / static                  {ratio:.3f}")
    print(f"    volume MAE, hour-of-week profile   {result.volume_mae_profile:.3f} per shift")
    print(f"    volume MAE, flat (year/21 shifts)  {result.volume_mae_flat:.3f} per shift")


# Configurations of the blend tried (module constants of engines/hotspots/blend.py); the first
# is the shipped one. Choosing among them by these results would tune on the test year itself.
BLEND_VARIANTS: list[dict[str, Any]] = [
    {},
    {"SMOOTH_METRES": 100.0},
    {"VALIDATION_WEEKS": 52},
    {"STEPS": (0.0, 0.3, 1.0, 3.0)},
    {"STEPS": (0.0, 0.3, 1.0, 3.0), "COMPONENTS": ("all", "long", "recent", "smooth", "near")},
]


def variants(sets: dict[str, Dataset], weeks: int, shift: int = 0) -> None:
    print("\n(5) the blend's configuration: gain over naive_all at 0.25 mi² / 1% / 5% [95% CI]")
    shipped = {name: getattr(blend, name) for name in ("SMOOTH_METRES", "VALIDATION_WEEKS")}
    shipped.update(STEPS=blend.STEPS, COMPONENTS=blend.COMPONENTS)
    for variant in BLEND_VARIANTS:
        for name, value in {**shipped, **variant}.items():
            setattr(blend, name, value)
        row = []
        for data in sets.values():
            starts = evaluated_weeks(data, weeks, shift)
            active = int(data.grid.active.sum())
            areas = {"a": 28, "1%": round(0.01 * active), "5%": round(0.05 * active)}
            result = backtest(data.events, data.grid, starts, "7d", [BASELINE, "blend"], areas)
            index = bootstrap_indices(weeks)
            gains = [
                relative_gain(result.scores["blend"][a], result.scores[BASELINE][a], index)
                for a in areas
            ]
            row.append(" ".join(f"{g.value:+.3f}[{g.low:+.2f},{g.high:+.2f}]" for g in gains))
        print(f"    {variant or 'shipped'}")
        for name, text in zip(sets, row, strict=True):
            print(f"        {name:24s} {text}")
    for name, value in shipped.items():
        setattr(blend, name, value)


def paired_gain(model: np.ndarray, base: np.ndarray, index: np.ndarray) -> str:
    """Caught incidents of ``model`` over ``base`` minus 1, with the paired bootstrap interval."""
    caught, baseline = model[index].sum(axis=1), base[index].sum(axis=1)
    # A resample in which the baseline caught nothing has no ratio; it is left out.
    draws = caught[baseline > 0] / baseline[baseline > 0] - 1.0
    if draws.size == 0 or base.sum() == 0:
        return "   n/a"
    low, high = np.percentile(draws, [2.5, 97.5])
    return f"{model.sum() / base.sum() - 1.0:+7.1%} [{low:+6.1%},{high:+6.1%}]"


def ceiling(data: Dataset, weeks: int, shift: int = 0) -> None:
    starts = evaluated_weeks(data, weeks, shift)
    k = n_flagged(data.grid, 0.25 * SQ_MILE)
    week = np.timedelta64(7, "D")
    oracle = interleaved(data.events, data.grid, starts, week, k)
    hindsight = hindsight_blend(data.events, data.grid, starts, week, k)
    best = hindsight.best
    index = bootstrap_indices(weeks, draws=2000, seed=0)
    naive = oracle.naive
    weights = ", ".join(
        f"{name} {w:g}" for name, w in zip(blend.COMPONENTS, hindsight.weights[best], strict=True)
    )
    first = str(starts[0])[:10]
    print(f"\n(6) hindsight ceilings, {data.name}: {k} cells, {weeks} weeks from {first}")
    print(f"    naive_all caught                              {naive.sum():5.0f}")
    print(
        f"    + counts of the other-parity weeks (oracle)   {oracle.oracle.sum():5.0f}   "
        f"{paired_gain(oracle.oracle, naive, index)}"
    )
    print(
        f"    blend weights chosen on these weeks           {hindsight.caught[:, best].sum():5.0f}"
        f"   {paired_gain(hindsight.caught[:, best], naive, index)}   ({weights})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--variants", action="store_true", help="also (5): blend configurations")
    parser.add_argument(
        "--dev", action="store_true", help="(1), (5), (6) on the year before the last instead"
    )
    args = parser.parse_args()
    weeks = 8 if args.quick else 52
    shift = 52 if args.dev else 0
    print(f"hotspots benchmark, cell {CELL:.0f} m, models {MODELS}, cpu count {os.cpu_count()}")
    if args.dev:
        print("development year: (1), (5) and (6) end 52 weeks before the last event")
    sets = {
        n: load(n) for n in ("portland_vehicle_theft", "portland_burglary", "cincinnati_burglary")
    }
    for data in sets.values():
        rolling(data, weeks, shift)
    if not args.dev:
        for name in NIJ_BEST:
            nij(sets[name])
        timing(20_000 if args.quick else 100_000, 100)
        shifts(sets["cincinnati_burglary"], weeks)
    if args.variants:
        variants(sets, weeks, shift)
    for data in sets.values():
        ceiling(data, weeks, shift)


if __name__ == "__main__":
    main()
