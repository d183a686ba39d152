"""Road networks from OpenStreetMap extracts, for travel times by car (no Django).

network = read_osm("city.osm.pbf")
minutes = network.minutes(sources=[(lat, lon)], targets=latlon_array, cap_kmh=40)
"""

from shouwang.engines.roads.network import RoadNetwork, RoadNetworkError, read_osm

__all__ = ["RoadNetwork", "RoadNetworkError", "read_osm"]
