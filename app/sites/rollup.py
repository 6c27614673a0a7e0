"""The site figures beside the villages' in the roll-up (GET /api/v1/rollup, issue 23).

For a quarter or a year, the county and township units get the site indicators added to their
village indicators (the month figure is then the period's last month, the year figure the year
to the period's end: app/sites/figures.py). For a month (`2026-12`), which the village figures
do not have, the units are the counties or townships themselves with the site indicators only.
Site figures are given at the county and township levels; a village's sites are too few to rate.
"""

from dataclasses import replace

from app.extensions import db
from app.models import County, Township
from app.periods import Period
from app.rollups.core import UnitResult
from app.sites.manure import COMBINED, as_indicator, combined
from app.sites.tally import counties_site_figures, counties_site_tally

VILLAGE_MANURE = "manure_utilisation"

SITE_LEVELS = ("county", "township")


def _counties(codes: set[str]) -> list:
    """The counties' ids and codes (all counties_site_figures reads of them): rows, not ORM
    objects, which cost the counties' table more than its two site statements (issue 21)."""
    return list(db.session.execute(db.select(County.id, County.code).where(County.code.in_(codes))))


def with_site_figures(
    units: list[UnitResult], period: Period, level: str, approved_only: bool, manure=False
):
    """`units` (counties or townships) with their site indicators merged in; with `manure`, also
    the combined manure rate (villages + scale farms, app/sites/manure.py) under `COMBINED`, from
    the same statements (each farm in its village's township, and in that township's county)."""
    if level not in SITE_LEVELS or not units:
        return units
    codes = {u.code for u in units}
    if level == "county":
        counties = _counties(codes)
    else:
        townships = db.session.execute(db.select(Township).where(Township.code.in_(codes)))
        counties = list({t.county for t in townships.scalars()})
    figures, farms, _registered = counties_site_tally(period, counties, approved_only)
    out = []
    for unit in units:
        extra = dict(figures.get(unit.code, {}))
        if manure:
            village = unit.indicators.get(VILLAGE_MANURE)
            extra[COMBINED] = as_indicator(combined(village, farms.get(unit.code)), village)
        out.append(replace(unit, indicators={**unit.indicators, **extra}))
    return out


def month_units(period: Period, level: str, scope_code: str | None, approved_only: bool):
    """The counties or townships of the scope, with the month's site indicators only."""
    statement = db.select(County).order_by(County.code)
    if scope_code and len(scope_code) == 6:
        statement = statement.where(County.code == scope_code)
    elif scope_code:
        statement = statement.join(Township).where(Township.code == scope_code)
    out = []
    counties = list(db.session.execute(statement).scalars())
    all_figures = counties_site_figures(period, counties, approved_only)
    for county in counties:
        figures = all_figures
        if level == "county":
            out.append(_unit(county.code, county.name, level, figures.get(county.code, {})))
            continue
        for township in county.townships:
            if scope_code and len(scope_code) == 9 and township.code != scope_code:
                continue
            out.append(_unit(township.code, township.name, level, figures.get(township.code, {})))
    return out


def _unit(code, name, level, indicators) -> UnitResult:
    reported = max((r.villages_reported for r in indicators.values()), default=0)
    return UnitResult(code, name, level, 0, reported, indicators)
