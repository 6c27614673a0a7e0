"""Small, pure geometry on WGS-84 points: great-circle distance and point-in-polygon.

Enough to check a phone's GPS fix against a village's known location and the county outline
without a GIS dependency. Points are (lon, lat) as in GeoJSON; distances are metres on a sphere
of the mean Earth radius (error well under 0.5 % — far below a phone's GPS accuracy at the
kilometre scale this is used for).
"""

import json
import math
from collections.abc import Sequence
from pathlib import Path

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius

Ring = Sequence[Sequence[float]]  # [(lon, lat), ...], closed or not
Polygon = Sequence[Ring]  # outer ring first, then holes


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def in_ring(lon: float, lat: float, ring: Ring) -> bool:
    """Ray casting (even-odd rule): count the edges a ray going east from the point crosses."""
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_cross:
                inside = not inside
    return inside


def in_polygon(lon: float, lat: float, polygon: Polygon) -> bool:
    """Inside the outer ring and in none of the holes."""
    if not polygon or not in_ring(lon, lat, polygon[0]):
        return False
    return not any(in_ring(lon, lat, hole) for hole in polygon[1:])


def in_geometry(lon: float, lat: float, geometry: dict) -> bool:
    """A GeoJSON Polygon or MultiPolygon geometry."""
    if geometry["type"] == "Polygon":
        return in_polygon(lon, lat, geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return any(in_polygon(lon, lat, p) for p in geometry["coordinates"])
    raise ValueError(f"not an area: {geometry['type']}")


def load_outline(path: str | Path) -> list[dict]:
    """The geometries of a GeoJSON file (a FeatureCollection, a Feature or a bare geometry)."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    if document["type"] == "FeatureCollection":
        return [f["geometry"] for f in document["features"]]
    if document["type"] == "Feature":
        return [document["geometry"]]
    return [document]
