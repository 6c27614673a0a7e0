"""From the database and the roll-up to the plain records the map builder draws.

The statuses come from `app.rollups.reports.rollup` only; nothing here computes a rate. One
distinction is added: a village (or township) that reported nothing for the indicator's section is
"not reported", while one that reported a zero denominator is the roll-up's "no data".
"""

import json
from dataclasses import dataclass

from app.extensions import db
from app.geography.geo import point_in_geometry
from app.maps.build import TownshipMark, VillageMark
from app.models import (
    County,
    Inspection,
    Township,
    TownshipBoundary,
    TownshipBoundaryUpload,
    Village,
)
from app.rollups import figures
from app.rollups.reports import rollup

LAGGING = frozenset({"near", "behind"})


@dataclass(frozen=True)
class Unlocated:
    """A village with no position, listed beside the map rather than dropped."""

    code: str
    name: str
    township_name: str
    status: str
    rate: float | None
    numerator: float | None
    denominator: float | None
    is_demo: bool
    target: float | None = None
    zone: str = ""

    @property
    def gap(self) -> float | None:
        """Shown rate minus shown target, in points (app/rollups/figures.py)."""
        return figures.gap_points(self.rate, self.target)


def display_status(result) -> str:
    if result is None or result.villages_reported == 0:
        return "not_reported"
    return result.status


def in_place(query, scope_code: str | None):
    """`query` (over townships) limited to a county (6-digit code) or a township (9 digits)."""
    if scope_code and len(scope_code) == 6:
        county = db.select(County.id).where(County.code == scope_code).scalar_subquery()
        return query.where(Township.county_id == county)
    if scope_code:
        return query.where(Township.code == scope_code)
    return query


def village_records(period: str, indicator: str, scope_code: str | None):
    """(located marks, unlocated rows, location notes by code) for one indicator and period,
    of every village or a county's or a township's (`scope_code`)."""
    results = {u.code: u.indicators.get(indicator) for u in rollup(period, "village", scope_code)}
    query = db.select(Village, Township).join(Township).order_by(Village.code)
    query = in_place(query, scope_code)
    rows = db.session.execute(query).all()
    fixes = first_gps_fixes([v.id for v, _t in rows if v.lat is None or v.lon is None])
    located, unlocated, from_gps = [], [], set()
    for village, township in rows:
        if village.code in results and results[village.code] is None:
            continue  # the indicator does not count this kind of unit (a community)
        result = results.get(village.code)
        status = display_status(result)
        rate = result.rate if result else None
        num = result.numerator if result and result.villages_reported else None
        den = result.denominator if result and result.villages_reported else None
        lat, lon = village.lat, village.lon
        if (lat is None or lon is None) and village.id in fixes:
            lat, lon = fixes[village.id]
            from_gps.add(village.code)
        if lat is None or lon is None:
            unlocated.append(
                Unlocated(
                    village.code,
                    village.name,
                    township.name,
                    status,
                    rate,
                    num,
                    den,
                    village.is_demo,
                    result.target if result else None,
                    village.zone,
                )
            )
            continue
        located.append(
            VillageMark(
                code=village.code,
                name=village.name,
                township_code=township.code,
                township_name=township.name,
                lat=lat,
                lon=lon,
                status=status,
                rate=rate,
                numerator=num,
                denominator=den,
                target=result.target if result else None,
                is_demo=village.is_demo,
                from_gps=village.code in from_gps,
            )
        )
    return located, unlocated, from_gps


def first_gps_fixes(village_ids: list[int]) -> dict[int, tuple[float, float]]:
    """The first inspection with a GPS fix for each village that has no stored location.
    A demo inspection never places a real village."""
    if not village_ids:
        return {}
    rows = db.session.execute(
        db.select(Inspection.village_id, Inspection.lat, Inspection.lon)
        .join(Village, Village.id == Inspection.village_id)
        .where(
            Inspection.village_id.in_(village_ids),
            Inspection.lat.is_not(None),
            Inspection.lon.is_not(None),
            db.or_(Inspection.is_demo.is_(False), Village.is_demo.is_(True)),
        )
        .order_by(Inspection.village_id, Inspection.inspected_on, Inspection.id)
    ).all()
    fixes: dict[int, tuple[float, float]] = {}
    for village_id, lat, lon in rows:
        fixes.setdefault(village_id, (lat, lon))
    return fixes


def township_records(period: str, indicator: str, scope_code: str | None):
    results = rollup(period, "township", scope_code)
    query = in_place(db.select(Township).order_by(Township.code), scope_code)
    townships = {t.code: t for t in db.session.execute(query).scalars()}
    boundaries = latest_boundaries()
    marks = []
    for unit in results:
        township, result = townships[unit.code], unit.indicators.get(indicator)
        reported = bool(result and result.villages_reported)
        marks.append(
            TownshipMark(
                code=unit.code,
                name=unit.name,
                lat=township.lat,
                lon=township.lon,
                status=display_status(result),
                rate=result.rate if result else None,
                numerator=result.numerator if reported else None,
                denominator=result.denominator if reported else None,
                target=result.target if result else None,
                # the units the indicator counts, as the dashboard's card: 22 / 25, not / 36
                villages_total=result.units if result and result.units is not None else 0,
                villages_reported=result.villages_reported if result else 0,
                boundary=boundaries.get(township.id),
            )
        )
    return marks


def latest_boundaries() -> dict[int, dict]:
    """township id → geometry from the most recent upload (earlier uploads stay stored)."""
    latest = db.session.execute(
        db.select(TownshipBoundaryUpload.id).order_by(TownshipBoundaryUpload.id.desc()).limit(1)
    ).scalar()
    if latest is None:
        return {}
    rows = db.session.execute(
        db.select(TownshipBoundary.township_id, TownshipBoundary.geometry).where(
            TownshipBoundary.upload_id == latest
        )
    ).all()
    return {township_id: json.loads(geometry) for township_id, geometry in rows}


def outside_outline(marks: list[VillageMark], outline: dict) -> set[str]:
    """Codes of villages whose position lies outside the county outline: shown, but flagged."""
    return {m.code for m in marks if not point_in_geometry(m.lat, m.lon, outline)}


def township_choices(scope_code: str | None) -> list:
    """(code, name) of the townships the map's filter offers: all, a county's, or one."""
    query = in_place(db.select(Township.code, Township.name).order_by(Township.code), scope_code)
    return db.session.execute(query).all()


def county_choices() -> list:
    """(code, name) of every county, for a deployment-wide actor's filter."""
    return db.session.execute(db.select(County.code, County.name).order_by(County.code)).all()


def county_exists(code: str) -> bool:
    return db.session.scalar(db.select(County.id).where(County.code == code)) is not None


def township_exists(code: str) -> bool:
    return db.session.scalar(db.select(Township.id).where(Township.code == code)) is not None
