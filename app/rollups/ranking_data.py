"""The ranking's rows: the one roll-up (app/rollups/reports.rollup) ordered by
app/rollups/ranking.py, with what a reader needs beside each figure (zone, township, date of the
last inspection) read here.

Shared by the ranking page, its CSV/XLSX, the API and the quarterly bulletin, so they can never
disagree.
"""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Inspection, Township, Village
from app.periods import parse_period
from app.rollups import reports
from app.rollups.ranking import RankRow, UnitFacts, rank

LEVELS = ("village", "township")


def ranking(indicator: str, period: str, level: str, scope_code: str) -> list[RankRow]:
    """Villages of a county or township (`scope_code` 6 or 9 digits), or townships of a county,
    furthest behind their own target on `indicator` first."""
    if level not in LEVELS:
        raise ValueError(f"unknown ranking level {level!r}")
    units = reports.rollup(period, level, scope_code)
    if level == "village":
        facts = village_facts(reports.place_of(scope_code), parse_period(period).end)
    else:
        facts = township_facts(reports.place_of(scope_code))
    return rank(units, indicator, facts)


def _where(place) -> list:
    kind, unit_id = place
    if kind == "township":
        return [Village.township_id == unit_id]
    return [Township.county_id == unit_id]


def village_facts(place, until) -> dict[str, UnitFacts]:
    """code → zone, township name, last inspection (not deleted) on or before `until`."""
    last = (
        select(Inspection.village_id, func.max(Inspection.inspected_on).label("day"))
        .where(Inspection.deleted_at.is_(None), Inspection.inspected_on <= until)
        .group_by(Inspection.village_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Village.code, Village.zone, Township.name, last.c.day, Village.location_source)
        .join(Township, Township.id == Village.township_id)
        .outerjoin(last, last.c.village_id == Village.id)
        .where(*_where(place))
    ).all()
    return {
        code: UnitFacts(zone=zone, township=township, last_inspected=day, location_source=source)
        for code, zone, township, day, source in rows
    }


def township_facts(place) -> dict[str, UnitFacts]:
    """code → the zones of its villages, most villages first, joined by "/"."""
    rows = db.session.execute(
        select(Township.code, Village.zone, func.count())
        .join(Village, Village.township_id == Township.id)
        .where(*_where(place))
        .group_by(Township.code, Village.zone)
    ).all()
    zones: dict[str, list[tuple[int, str]]] = {}
    for code, zone, count in rows:
        zones.setdefault(code, []).append((-count, zone))
    return {
        code: UnitFacts(zone="/".join(zone for _n, zone in sorted(pairs)))
        for code, pairs in zones.items()
    }
