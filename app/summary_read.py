"""Reading the roll-up summary: per-village figures (village-level roll-ups) and sums per area
(township, county, province roll-ups and trends).

Each read runs in one statement with the summary's state (app/summary_state.read_with_state),
so it either sees the summary on, in one snapshot with its rows, or learns that it is off; a
caller that gets `None` reads the answers instead. SQL only sums stored tallies per area and
zone; targets and every division are app/rollup.py's.
"""

from sqlalchemy import Integer, bindparam, case, func, literal, select

from app.models import AreaQuarterFigure, Township, Village, VillageQuarterFigure
from app.models.summary import ANY
from app.summary_state import read_with_state
from app.tallies import VillageFigures

figures = VillageQuarterFigure.__table__
areas = AreaQuarterFigure.__table__
villages = Village.__table__
townships = Township.__table__
SUMMED_LEVELS = ("province", "county", "township")


def summary_figures(
    connection, indicators, quarters, scope=None, approved_only=False
) -> list[VillageFigures] | None:
    """The same VillageFigures that app/tallies.village_figures gives for these quarters (one
    per reporting village and quarter), or None while the summary is off. The database turns
    the rows (one per indicator) back into one per village: at province scale that is 25,000
    rows to fetch instead of 150,000."""
    where = [
        figures.c.quarter.in_(list(quarters)),
        figures.c.approved_only == bool(approved_only),
        figures.c.indicator.in_([i.key for i in indicators]),
    ]
    if scope and scope[0] == "township":
        where.append(villages.c.township_id == bindparam("scope_id", scope[1], type_=Integer))
    elif scope and scope[0] == "village":
        where.append(figures.c.village_id == scope[1])
    elif scope:
        raise ValueError(f"unknown scope {scope[0]!r}")
    columns = []
    for indicator in indicators:
        this = figures.c.indicator == indicator.key
        columns += [
            func.max(case((this, 1), else_=0)),
            func.max(case((this, figures.c.numerator))),
            func.max(case((this, figures.c.denominator))),
        ]
    keys = (figures.c.quarter, figures.c.village_id, villages.c.township_id)
    statement = (
        select(*keys, villages.c.zone, *columns)
        .join(villages, villages.c.id == figures.c.village_id)
        .where(*where)
        .group_by(*keys, villages.c.zone)
    )
    on, rows = read_with_state(connection, statement)
    if not on:
        return None
    count = len(indicators)
    return [
        VillageFigures(
            row[0],
            row[1],
            row[2],
            row[3],
            tuple(
                (float(row[5 + 3 * k]), float(row[6 + 3 * k])) if row[4 + 3 * k] else None
                for k in range(count)
            ),
        )
        for row in rows
    ]


def area_sums(connection, level, quarters, scope, approved_only, keys):
    """Per (quarter, unit, zone, indicator): Σ numerator, Σ denominator and the villages summed,
    for the indicators `keys`, plus per (quarter, unit) a row with zone and indicator "*" giving
    the villages that reported anything; None while the summary is off.

    `level` "province" (unit 0: every county's rows summed here), "county" (unit: county id) or
    "township" (unit: township id); `scope` None, ("county", id) or ("township", id) narrows
    the units to those inside it."""
    if level not in SUMMED_LEVELS:
        raise ValueError(f"unknown level {level!r}")
    kind, scope_id = scope if scope else (None, None)
    stored = "township" if level == "township" or kind == "township" else "county"
    where = [
        areas.c.level == stored,
        areas.c.quarter.in_(list(quarters)),
        areas.c.approved_only == bool(approved_only),
        areas.c.indicator.in_([*keys, ANY]),
    ]
    if kind == "county" and stored == "county":
        where.append(areas.c.area_id == scope_id)
    elif kind == "county":
        where.append(
            areas.c.area_id.in_(select(townships.c.id).where(townships.c.county_id == scope_id))
        )
    elif kind == "township":
        if level != "township":
            raise ValueError(f"a township scope goes with level township, not {level!r}")
        where.append(areas.c.area_id == scope_id)
    elif kind is not None:
        raise ValueError(f"unknown scope {kind!r}")
    detail = (areas.c.quarter, areas.c.zone, areas.c.indicator)
    if level == "province":
        unit = literal(0, Integer)
        statement = select(
            areas.c.quarter,
            unit,
            areas.c.zone,
            areas.c.indicator,
            func.sum(areas.c.numerator),
            func.sum(areas.c.denominator),
            func.sum(areas.c.villages),
        ).group_by(*detail)
    else:
        statement = select(
            areas.c.quarter,
            areas.c.area_id,
            areas.c.zone,
            areas.c.indicator,
            areas.c.numerator,
            areas.c.denominator,
            areas.c.villages,
        )
    on, rows = read_with_state(connection, statement.where(*where))
    return rows if on else None
