"""Checking an inspection's GPS fix when it is first stored, and again whenever an edit moves or
removes it.

The inspection is flagged (never refused: the inspector may be right and the map wrong) when the
fix is more than GPS_FLAG_DISTANCE_M from the village's known location, or outside the county
outline. A village's stored location is only ever a confirmed one (the source data, an import,
or an admin on the map): a village without one is drawn at its first in-county fix, derived when
the map is built (app/maps/records.py) and marked unconfirmed until an admin confirms it, so a
phone's fix never silently becomes the reference other fixes are judged against.
"""

from dataclasses import dataclass
from functools import cache

from flask import current_app

from app.clock import utc_now
from app.extensions import db
from app.geography import geo
from app.geography.county import OUTLINE_FILE
from app.models import LOCATION_FLAG_KINDS, InspectionFlag


@cache
def county_outline(path: str) -> tuple[dict, ...]:
    return tuple(geo.load_outline(path))


def location_flags(lat, lon, village) -> list[dict]:
    """The flags a new inspection's fix earns against `village` (anything with lat and lon), as
    InspectionFlag column values."""
    if lat is None or lon is None:
        return []
    outline = county_outline(current_app.config.get("COUNTY_OUTLINE") or str(OUTLINE_FILE))
    flags = []
    inside = any(geo.point_in_geometry(lat, lon, g) for g in outline)
    if not inside:
        flags.append({"kind": "outside_county", "distance_m": None, "limit_m": None})
    if village.lat is not None and village.lon is not None:
        limit = float(current_app.config["GPS_FLAG_DISTANCE_M"])
        distance = geo.haversine_m(lat, lon, village.lat, village.lon)
        if distance > limit:
            flags.append(
                {"kind": "far_from_village", "distance_m": round(distance, 1), "limit_m": limit}
            )
    return flags


@dataclass(frozen=True)
class DistanceCheck:
    """What the reviewer and the inspector are told about a fix: `state` is "no_fix" (none was
    recorded), "unchecked" (the village has no known location: nothing to check against),
    "near" or "far" (more than the limit, GPS_FLAG_DISTANCE_M, the flag's one threshold)."""

    state: str
    distance_km: float | None
    limit_km: float


def distance_check(lat, lon, village) -> DistanceCheck:
    limit_km = float(current_app.config["GPS_FLAG_DISTANCE_M"]) / 1000
    if lat is None or lon is None:
        return DistanceCheck("no_fix", None, limit_km)
    if village.lat is None or village.lon is None:
        return DistanceCheck("unchecked", None, limit_km)
    distance_m = geo.haversine_m(lat, lon, village.lat, village.lon)
    state = "far" if distance_m > limit_km * 1000 else "near"
    return DistanceCheck(state, round(distance_m / 1000, 1), limit_km)


def recheck_flags(inspection, village) -> None:
    """After an edit: replace the inspection's flags with those its current fix earns against
    `village` (none once the fix is removed), so a moved or removed position is judged again and
    no flag outlives the position it was about. Only the location kinds: the integrity flags
    (app/inspections/integrity/) are about other things and stay."""
    kept = [f for f in inspection.flags if f.kind not in LOCATION_FLAG_KINDS]
    for flag in inspection.flags:
        if flag.kind in LOCATION_FLAG_KINDS:
            db.session.delete(flag)
    db.session.flush()  # the (inspection, kind) key: old rows go before new ones come
    now = utc_now()
    inspection.flags = kept + [
        InspectionFlag(**flag, created_at=now)
        for flag in location_flags(inspection.lat, inspection.lon, village)
    ]
