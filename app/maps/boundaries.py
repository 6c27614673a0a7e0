"""Checking an uploaded township-boundaries GeoJSON file before anything is stored. Pure.

No public source has Hunyuan's township polygons, so a county admin may upload them. A file is
accepted whole or not at all: every problem is reported (which feature, why) and nothing is
stored unless there is none. The text of each problem is an English source string with
parameters, translated by the view.
"""

import json
import math
from dataclasses import dataclass

MAX_BYTES = 1_500_000  # under the app's 2 MB request limit; a county's 16 polygons need far less
# Hunyuan's extent (113.376–113.970 E, 39.369–39.874 N) with a margin of about 10 km.
SANE_BOUNDS = {"lat": (39.25, 40.0), "lon": (113.25, 114.1)}
CODE_PROPERTIES = ("code", "township_code")
MAX_VERTICES = 200_000


@dataclass(frozen=True)
class Problem:
    message: str  # English source string with %(name)s parameters
    params: dict
    detail: str = ""  # a second source string: why the geometry was refused


@dataclass(frozen=True)
class Checked:
    geometries: dict[str, dict]  # township code → GeoJSON geometry
    problems: list[Problem]


def check_boundaries(raw: bytes, known_codes: set[str]) -> Checked:
    problems: list[Problem] = []

    def problem(message, detail="", **params):
        problems.append(Problem(message, params, detail))
        return Checked({}, problems)

    if len(raw) > MAX_BYTES:
        return problem("The file is larger than %(limit)s KB.", limit=MAX_BYTES // 1000)
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError):
        return problem("The file is not valid GeoJSON (UTF-8 JSON).")
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return problem("The file must be a GeoJSON FeatureCollection.")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        return problem("The FeatureCollection has no features.")

    geometries: dict[str, dict] = {}
    vertices = 0
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problem("Feature %(number)s is not a GeoJSON Feature.", number=number)
            continue
        properties = feature.get("properties") or {}
        code = next((str(properties[k]) for k in CODE_PROPERTIES if properties.get(k)), None)
        if code is None:
            problem("Feature %(number)s has no township code property (code).", number=number)
            continue
        if code not in known_codes:
            problem(
                "Feature %(number)s: no township has the code %(code)s.",
                number=number,
                code=code[:20],
            )
            continue
        if code in geometries:
            problem(
                "Feature %(number)s: township %(code)s appears twice.", number=number, code=code
            )
            continue
        geometry = feature.get("geometry")
        error, count = _check_geometry(geometry)
        vertices += count
        if error:
            problem("Feature %(number)s (%(code)s):", error, number=number, code=code)
            continue
        geometries[code] = {"type": geometry["type"], "coordinates": geometry["coordinates"]}
    if vertices > MAX_VERTICES:
        problem("The file has more than %(limit)s vertices.", limit=MAX_VERTICES)
    return Checked({} if problems else geometries, problems)


def _no_constants(name):
    raise ValueError(f"{name} is not allowed")


def _check_geometry(geometry) -> tuple[str | None, int]:
    """(None, vertex count) when the geometry is a sane Polygon/MultiPolygon, else a reason."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return "the geometry must be a Polygon or MultiPolygon.", 0
    coords = geometry.get("coordinates")
    polygons = [coords] if geometry["type"] == "Polygon" else coords
    if not isinstance(polygons, list) or not polygons:
        return "the geometry has no coordinates.", 0
    count = 0
    for rings in polygons:
        if not isinstance(rings, list) or not rings:
            return "a polygon has no rings.", count
        for ring in rings:
            if not isinstance(ring, list) or len(ring) < 4:
                return "a ring needs at least four positions.", count
            for position in ring:
                if not _is_position(position):
                    return "a position is not a [longitude, latitude] pair of numbers.", count
                lon, lat = position[0], position[1]
                if not (
                    SANE_BOUNDS["lon"][0] <= lon <= SANE_BOUNDS["lon"][1]
                    and SANE_BOUNDS["lat"][0] <= lat <= SANE_BOUNDS["lat"][1]
                ):
                    return "a position lies outside the county's area (WGS-84 expected).", count
                count += 1
            if list(ring[0][:2]) != list(ring[-1][:2]):
                return "a ring is not closed.", count
    return None, count


def _is_position(position) -> bool:
    return (
        isinstance(position, list)
        and len(position) in (2, 3)
        and all(
            isinstance(n, (int, float)) and not isinstance(n, bool) and math.isfinite(n)
            for n in position
        )
    )
