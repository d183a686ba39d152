"""The configured road network (`SHOUWANG_ROAD_NETWORK`), read once per process and again when
the file changes."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings

from shouwang.engines.roads import RoadNetwork, read_osm

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_loaded: dict[tuple[str, float], RoadNetwork] = {}


def configured() -> bool:
    return bool(getattr(settings, "ROAD_NETWORK", ""))


def road_network() -> RoadNetwork | None:
    """The network, or None when none is configured. Raises RoadNetworkError for a file that
    cannot be read (the page says so and measures in straight lines)."""
    path = str(getattr(settings, "ROAD_NETWORK", "") or "")
    if not path:
        return None
    try:
        key = (path, Path(path).stat().st_mtime)
    except OSError:
        key = (path, 0.0)  # read_osm reports the missing file
    with _lock:  # one thread reads a city's extract; the others wait for it
        if key not in _loaded:
            network = read_osm(path)
            _loaded.clear()
            _loaded[key] = network
            logger.info(
                "road network %s: %d nodes, %d edges, %.0f km",
                path,
                network.nodes,
                network.edges,
                network.road_km,
            )
        return _loaded[key]
