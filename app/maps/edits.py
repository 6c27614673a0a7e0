"""What a county admin changes on the map: a village's confirmed location, and the townships'
boundaries (checked whole by app/maps/boundaries.py before this stores them).

A location must lie inside the county outline; its source records who set it, when, and what it
was before. Each change is audited and committed here, so a view only parses and renders.
"""

import json
from functools import lru_cache
from pathlib import Path

from app.accounts.audit import record
from app.clock import county_today
from app.extensions import db
from app.geography.county import OUTLINE_FILE
from app.geography.geo import point_in_geometry
from app.maps.boundaries import Checked
from app.models import Township, TownshipBoundary, TownshipBoundaryUpload, User, Village


@lru_cache(maxsize=4)
def county_outline(path: Path = OUTLINE_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["features"][0]["geometry"]


class OutsideCounty(ValueError):
    """The point lies outside the county outline."""


def confirm_location(village: Village, lat: float, lon: float, actor: User) -> None:
    """Store (lat, lon) as the village's confirmed location, or raise OutsideCounty."""
    if not point_in_geometry(lat, lon, county_outline()):
        raise OutsideCounty
    before = (
        f"{village.lat:.6f},{village.lon:.6f} ({village.location_source})"
        if village.lat is not None
        else "none"
    )
    village.lat, village.lon = lat, lon
    village.location_source = (
        f"set by {actor.username} on {county_today().isoformat()}; before: {before}"
    )[:2000]
    record("village.locate", village, before=before, after=f"{village.lat:.6f},{village.lon:.6f}")
    db.session.commit()


def township_ids_by_code() -> dict[str, int]:
    return dict(db.session.execute(db.select(Township.code, Township.id)).all())


def store_boundaries(
    checked: Checked, township_ids: dict[str, int], filename: str, actor: User
) -> None:
    """Store a checked file's geometries as the newest upload (earlier uploads stay stored)."""
    row = TownshipBoundaryUpload(
        uploaded_by_id=actor.id,
        filename=filename[:255],
        feature_count=len(checked.geometries),
    )
    row.boundaries = [
        TownshipBoundary(township_id=township_ids[code], geometry=json.dumps(geometry))
        for code, geometry in checked.geometries.items()
    ]
    db.session.add(row)
    record("boundary.upload", row, filename=row.filename, townships=sorted(checked.geometries))
    db.session.commit()
