"""Coordinates: WGS-84 → GCJ-02 for drawing, point-in-polygon, and great-circle distance.
Pure, no Flask.

Villages and outlines are stored in WGS-84, as phones report them. AMap/Gaode and Tencent tiles
are drawn in GCJ-02, the obfuscated datum China requires for its public maps; near Hunyuan it
sits about 590 m away from WGS-84. So when the configured tiles are GCJ-02 every point is shifted
here at render time, and the shifted values are never stored.

The shift is the standard public formula (the one in eviltransform and coordtransform):
Krasovsky-ellipsoid constants and a fixed trigonometric series, with no shift outside a
rectangle around China.
"""

import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as the formula uses
_EE = 0.00669342162296594323  # its first eccentricity squared
EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius, for distances


def out_of_china(lat: float, lon: float) -> bool:
    """The formula's rectangle: outside it GCJ-02 equals WGS-84."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _series(x: float, y: float) -> tuple[float, float]:
    """The formula's offsets in metres-ish units for x = lon - 105, y = lat - 35."""
    xp, yp = x * math.pi, y * math.pi
    common = 20.0 * math.sin(6.0 * xp) + 20.0 * math.sin(2.0 * xp)
    d_lat = common + 20.0 * math.sin(yp) + 40.0 * math.sin(yp / 3.0)
    d_lon = common + 20.0 * math.sin(xp) + 40.0 * math.sin(xp / 3.0)
    d_lat += 160.0 * math.sin(yp / 12.0) + 320.0 * math.sin(yp / 30.0)
    d_lon += 150.0 * math.sin(xp / 12.0) + 300.0 * math.sin(xp / 30.0)
    d_lat = d_lat * 2.0 / 3.0 - 100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y
    d_lat += 0.2 * math.sqrt(abs(x))
    d_lon = d_lon * 2.0 / 3.0 + 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y
    d_lon += 0.1 * math.sqrt(abs(x))
    return d_lat, d_lon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """(lat, lon) in WGS-84 → (lat, lon) in GCJ-02."""
    if out_of_china(lat, lon):
        return lat, lon
    d_lat, d_lon = _series(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lat + d_lat, lon + d_lon


def shift_geometry(geometry: dict, to_point) -> dict:
    """A copy of a GeoJSON Polygon/MultiPolygon/Point with every (lon, lat) passed through
    `to_point(lat, lon) -> (lat, lon)`; GeoJSON order is lon, lat."""

    def move(coords):
        if coords and isinstance(coords[0], (int, float)):
            lat, lon = to_point(coords[1], coords[0])
            return [lon, lat]
        return [move(c) for c in coords]

    return {**geometry, "coordinates": move(geometry["coordinates"])}


def point_in_ring(lat: float, lon: float, ring: Sequence[Sequence[float]]) -> bool:
    """Even-odd ray casting; `ring` is GeoJSON [lon, lat] pairs."""
    if not ring:
        return False
    inside = False
    # each vertex read once, the previous carried over: a GPS check walks the 439 vertices of
    # the county outline on every stored inspection
    xj, yj = ring[-1][0], ring[-1][1]
    for point in ring:
        xi, yi = point[0], point[1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        xj, yj = xi, yi
    return inside


def point_in_geometry(lat: float, lon: float, geometry: dict) -> bool:
    """Inside a GeoJSON Polygon or MultiPolygon (holes respected)."""
    polygons: Iterable = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    for rings in polygons:
        if (
            rings
            and point_in_ring(lat, lon, rings[0])
            and not any(point_in_ring(lat, lon, hole) for hole in rings[1:])
        ):
            return True
    return False


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Metres on a sphere of the mean Earth radius: error well under 0.5 %, far below a phone's
    GPS accuracy at the kilometre scale the GPS checks use."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def load_outline(path: str | Path) -> list[dict]:
    """The geometries of a GeoJSON file (a FeatureCollection, a Feature or a bare geometry)."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    if document["type"] == "FeatureCollection":
        return [f["geometry"] for f in document["features"]]
    if document["type"] == "Feature":
        return [document["geometry"]]
    return [document]
