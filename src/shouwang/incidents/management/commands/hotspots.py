"""`shouwang hotspots evaluate|forecast`: rolling-origin evaluation and next-window GeoJSON.

The engine (`shouwang.engines.hotspots`) does the work; this command reads options, turns the
engine's typed errors into translated messages and prints the results.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shouwang.engines.hotspots import MODELS, HotspotError, as_horizon, forecast
from shouwang.engines.hotspots.concentration import concentration
from shouwang.engines.hotspots.evaluate import (
    backtest,
    bootstrap_indices,
    mean_pei,
    pooled,
    relative_gain,
)
from shouwang.engines.hotspots.geojson import top_cells_geojson
from shouwang.engines.hotspots.metrics import n_flagged
from shouwang.engines.hotspots.reading import Loaded, read_boundary, read_events
from shouwang.engines.hotspots.study import study_grid

BASELINE = "naive_all"


def _message(error: HotspotError) -> str:
    """The engine's structured error as a translated sentence."""
    d = error.details
    if error.code == "input_file" and d.get("problem") == "not_found":
        return _("找不到文件 %(path)s。") % d
    if error.code == "input_file" and d.get("problem") == "format":
        return _("文件 %(path)s 不是可读取的 CSV 文件。") % d
    if error.code == "input_file" and d.get("problem") == "missing":
        return _("文件 %(path)s 中没有列 %(column)s。") % d
    if error.code == "input_file":
        return _("文件 %(path)s 第 %(row)d 行 %(column)s 列的值无法读取。") % d
    if error.code == "invalid_events" and d.get("problem") == "crs":
        return _("无法识别的坐标系：%(crs)s。") % d
    if error.code == "unknown_model":
        return _("未知的模型：%(model)s。") % d
    if error.code == "invalid_window" and d.get("problem") == "area":
        return _("标记面积小于一个网格单元。")
    if error.code == "invalid_window":
        return _("时间窗口格式应为 7d、2w、1m 或 8h。")
    if error.code == "invalid_grid":
        return _("网格设置无效：网格单元大小须为正数，且研究范围内至少有一个单元。")
    return _("热点预测失败：%(error)s") % {"error": str(error)}


def _date(text: str) -> np.datetime64:
    try:
        return np.datetime64(text, "s")
    except ValueError as exc:
        raise CommandError(_("日期格式应为 YYYY-MM-DD：%(v)s") % {"v": text}) from exc


class Command(BaseCommand):
    help = "Hotspot forecasts: evaluate models on past windows, or write the next window's cells."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        evaluate = sub.add_parser("evaluate", help="rolling-origin evaluation of the models")
        forecast_ = sub.add_parser("forecast", help="the next window's top cells as GeoJSON")
        for p in (evaluate, forecast_):
            p.add_argument("--events", required=True, type=Path, help="CSV of incidents")
            p.add_argument("--crs", required=True, help="EPSG code of the coordinates")
            p.add_argument("--x-col", default="x")
            p.add_argument("--y-col", default="y")
            p.add_argument("--time-col", default="t")
            p.add_argument("--boundary", type=Path, help="CSV of the study area's vertices (x,y)")
            p.add_argument("--cell", type=float, default=150.0, help="square cell side, metres")
            p.add_argument("--h3", type=int, help="use H3 cells of this resolution instead")
            p.add_argument("--horizon", default="7d", help="window: 8h, 7d, 2w, 1m")
            p.add_argument("--area", type=float, default=0.6475, help="flagged area, km²")
            p.add_argument("--skip-invalid", action="store_true", help="skip unusable rows")
        evaluate.add_argument("--from", dest="start", required=True, help="first window start")
        evaluate.add_argument("--to", dest="end", required=True, help="no window ends after it")
        evaluate.add_argument("--models", default=",".join(m for m in MODELS if m != "best"))
        forecast_.add_argument("--start", help="window start (default: day after last event)")
        forecast_.add_argument("--model", default="best", choices=MODELS)
        forecast_.add_argument("--out", required=True, type=Path, help="GeoJSON file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            loaded = read_events(
                options["events"],
                options["crs"],
                x_col=options["x_col"],
                y_col=options["y_col"],
                time_col=options["time_col"],
                skip_invalid=options["skip_invalid"],
            )
            if loaded.skipped:
                self.stderr.write(
                    _("已跳过 %(n)d 行无法使用的数据（首个为第 %(row)d 行）。")
                    % {"n": len(loaded.skipped), "row": loaded.skipped[0]}
                )
            if options["action"] == "evaluate":
                self._evaluate(loaded, options)
            else:
                self._forecast(loaded, options)
        except HotspotError as error:
            raise CommandError(_message(error)) from error

    def _grid(self, loaded: Loaded, options: dict[str, Any]) -> Any:
        boundary = None
        if options["boundary"] is not None:
            boundary = read_boundary(options["boundary"], loaded.projection)
        return study_grid(
            loaded.events,
            loaded.projection,
            cell=options["cell"],
            boundary=boundary,
            h3_resolution=options["h3"],
        )

    def _evaluate(self, loaded: Loaded, options: dict[str, Any]) -> None:
        grid = self._grid(loaded, options)
        horizon = as_horizon(options["horizon"])
        start, end = _date(options["start"]), _date(options["end"])
        starts = []
        while start + horizon <= end:
            starts.append(start)
            start = start + horizon
        if not starts:
            raise CommandError(_("--from 与 --to 之间放不下一个完整的时间窗口。"))
        models = [m.strip() for m in options["models"].split(",") if m.strip()]
        if BASELINE not in models:
            models.insert(0, BASELINE)
        active = int(grid.active.sum())
        areas = {
            "area": n_flagged(grid, options["area"] * 1e6),
            "1%": max(1, round(0.01 * active)),
            "5%": max(1, round(0.05 * active)),
        }
        result = backtest(loaded.events, grid, starts, horizon, models, areas)
        index = bootstrap_indices(len(starts))
        flagged_km2 = result.scores[BASELINE]["area"][0].flagged_area / 1e6
        self.stdout.write(
            _("%(n)d 个窗口，每个 %(h)s；%(cells)d 个网格单元。")
            % {"n": len(starts), "h": options["horizon"], "cells": active}
        )
        self.stdout.write(
            _("标记 %(k)d 个单元（%(km2).3f 平方公里）。")
            % {"k": areas["area"], "km2": flagged_km2}
        )
        header = [
            _("模型"),
            _("PAI [95%区间]"),
            _("1%面积命中率"),
            _("5%面积命中率"),
            "PEI",
            _("相对基线命中 [95%区间]"),
            _("周间重合"),
        ]
        self.stdout.write(" | ".join(header))
        for model in models:
            s = result.scores[model]
            pai = pooled(s["area"], index, pai=True)
            gain = relative_gain(s["area"], result.scores[BASELINE]["area"], index)
            loop = concentration(result.flagged[model])
            self.stdout.write(
                f"{model:12s} | {pai.value:6.2f} [{pai.low:6.2f}, {pai.high:6.2f}] | "
                f"{pooled(s['1%'], index, pai=False).value:6.3f} | "
                f"{pooled(s['5%'], index, pai=False).value:6.3f} | {mean_pei(s['area']):5.3f} | "
                f"{gain.value:+7.1%} [{gain.low:+7.1%}, {gain.high:+7.1%}] | "
                f"{loop.mean_jaccard:4.2f}"
            )
        self.stdout.write(
            _("基线为全部历史计数（%(b)s）。周间重合为相邻窗口 5%% 面积标记单元的 Jaccard 系数。")
            % {"b": BASELINE}
        )

    def _forecast(self, loaded: Loaded, options: dict[str, Any]) -> None:
        grid = self._grid(loaded, options)
        horizon = as_horizon(options["horizon"])
        if options["start"]:
            start = _date(options["start"])
        else:
            start = loaded.events.t.max().astype("datetime64[D]") + np.timedelta64(1, "D")
        risk = forecast(loaded.events, grid, start, horizon, options["model"])
        k = n_flagged(grid, options["area"] * 1e6)
        properties = {
            "model": options["model"],
            "start": str(np.datetime64(start, "s")),
            "horizon_seconds": int(horizon / np.timedelta64(1, "s")),
        }
        doc = top_cells_geojson(risk, grid, loaded.projection, k, properties)
        options["out"].write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        self.stdout.write(
            _("已将 %(k)d 个单元写入 %(p)s（%(start)s 起 %(h)s）。")
            % {"k": k, "p": options["out"], "start": properties["start"], "h": options["horizon"]}
        )
