"""`shouwang roads FILE [--from LAT,LON] [--speed KMH]`: check an OpenStreetMap extract before
pointing SHOUWANG_ROAD_NETWORK at it: how much road it holds, how long it takes to read and,
from a patrol point, how much of the network a car reaches in 5 and 15 minutes."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shouwang.engines.roads import RoadNetworkError, read_osm
from shouwang.incidents.patrol import DEFAULT_SPEED_KMH, REACH_MINUTES


class Command(BaseCommand):
    help = _("检查 OpenStreetMap 路网文件,并可估算从某点出发的可达范围。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("路网文件(.osm.pbf、.osm、.osm.gz)"))
        parser.add_argument("--from", dest="origin", default="", help=_("出发点“纬度,经度”"))
        parser.add_argument("--speed", type=float, default=DEFAULT_SPEED_KMH, help=_("车速上限"))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            network = read_osm(options["file"])
        except RoadNetworkError as exc:
            raise CommandError(_("路网文件无法读取:%(error)s") % {"error": exc}) from None
        self.stdout.write(
            _("%(nodes)d 个节点,%(edges)d 条有向路段,道路总长 %(km).1f 公里;读取用时 %(s).1f 秒。")
            % {
                "nodes": network.nodes,
                "edges": network.edges,
                "km": network.road_km,
                "s": time.monotonic() - started,
            }
        )
        if not options["origin"]:
            return
        try:
            lat, lon = (float(v) for v in options["origin"].split(","))
        except ValueError:
            raise CommandError(_("出发点格式应为“纬度,经度”。")) from None
        if options["speed"] <= 0:
            raise CommandError(_("车速必须大于零。"))
        nodes = np.column_stack([network.lat, network.lon])
        minutes = network.minutes([(lat, lon)], nodes, options["speed"], max(REACH_MINUTES))
        for limit in REACH_MINUTES:
            self.stdout.write(
                _("%(m)d 分钟内可达 %(share).1f%% 的路网节点。")
                % {"m": limit, "share": 100.0 * float((minutes <= limit).mean())}
            )
