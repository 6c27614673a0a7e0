"""`same_place`: one inspector's GPS fixes of one county day, for villages kilometres apart,
taken within a few tens of metres of each other: the "fixes" were taken at a desk.

The day is the county's (COUNTY_TIMEZONE): an inspection's moment is when the phone saved it
(`saved_at`), or when the server stored it for a phone that did not say, and 23:50 and 00:10 in
the county are two days even when they are one UTC date. Every inspection of the group is
flagged, each naming the others.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func

from app.extensions import db
from app.geography import geo
from app.inspections.integrity.flags import raise_flag, setting
from app.models import Inspection, Village


def county_day(moment: datetime):
    zone = ZoneInfo(current_app.config["COUNTY_TIMEZONE"])
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()


def day_bounds(day) -> tuple[datetime, datetime]:
    """The county day as a UTC half-open range."""
    zone = ZoneInfo(current_app.config["COUNTY_TIMEZONE"])
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    return start, start + timedelta(days=1)


def moment_column():
    return func.coalesce(Inspection.saved_at, Inspection.created_at)


def same_place_group(inspection_id: int) -> tuple[object, list[dict]]:
    """The county day of the inspection and the others of its inspector that day whose fix is
    within the radius while their village is far from this one's: one evidence line each."""
    me = db.session.execute(
        db.select(Inspection, Village)
        .join(Village, Village.id == Inspection.village_id)
        .where(Inspection.id == inspection_id)
    ).one()
    inspection, village = me
    if inspection.lat is None or village.lat is None:
        return None, []
    day = county_day(inspection.saved_at or inspection.created_at)
    start, end = day_bounds(day)
    others = db.session.execute(
        db.select(Inspection, Village)
        .join(Village, Village.id == Inspection.village_id)
        .where(
            Inspection.inspector_id == inspection.inspector_id,
            Inspection.id != inspection.id,
            Inspection.deleted_at.is_(None),
            Inspection.lat.is_not(None),
            Inspection.village_id != inspection.village_id,
            moment_column() >= start,
            moment_column() < end,
        )
        .order_by(Inspection.id)
    ).all()
    radius, apart = float(setting("SAME_PLACE_RADIUS_M")), float(setting("SAME_PLACE_VILLAGES_M"))
    lines = []
    for other, other_village in others:
        if other_village.lat is None:
            continue
        fixes = geo.haversine_m(inspection.lat, inspection.lon, other.lat, other.lon)
        villages = geo.haversine_m(village.lat, village.lon, other_village.lat, other_village.lon)
        if fixes <= radius and villages >= apart:
            lines.append(
                {
                    "inspection": other.id,
                    "village": other_village.code,
                    "fix_m": round(fixes, 1),
                    "villages_m": round(villages),
                }
            )
    return day, lines


def check_same_place(inspection_id: int, code: str) -> None:
    """Flag the inspection and each other of its group (each naming the other)."""
    day, lines = same_place_group(inspection_id)
    if not lines:
        return
    raise_flag(inspection_id, "same_place", {"day": day.isoformat(), "others": lines})
    for line in lines:
        back = dict(line, inspection=inspection_id, village=code)
        raise_flag(line["inspection"], "same_place", {"day": day.isoformat(), "others": [back]})
