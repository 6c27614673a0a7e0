"""Reading the roll-up summary: per-village figures (village-level roll-ups) and sums per area
(township, county, province roll-ups and trends).

Each read runs in one statement with the summary's state
(app/rollups/summary/state.read_with_state), so it either sees the summary on, in one snapshot with
its rows, or learns that it is off; a caller that gets `None` reads the answers instead. SQL only
sums stored tallies per area and zone; targets and every division are app/rollups/core.py's.
"""

from sqlalchemy import Boolean, Integer, bindparam, case, func, literal, select

from app.models import (
    AreaQuarterFigure,
    Township,
    Village,
    VillageQuarterFigure,
)
from app.models.summary import ANY
from app.rollups.summary.state import read_with_state, rows_while_on, with_state
from app.rollups.tallies import VillageFigures

figures = VillageQuarterFigure.__table__
areas = AreaQuarterFigure.__table__
villages = Village.__table__
townships = Township.__table__
SUMMED_LEVELS = ("province", "county", "township")


def summary_figures(
    connection, indicators, quarters, scope=None, approved_only=False, *, definitions: str
) -> list[VillageFigures] | None:
    """The same VillageFigures that app/rollups/tallies.village_figures gives for these quarters
    (one per reporting village and quarter), or None while the summary is off
    (or built from other definitions than `definitions`). The database turns
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
    on, rows = read_with_state(connection, statement, definitions)
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


def area_sums(
    connection, level, quarters, scope, approved_only, keys, reported=True, *, definitions: str
):
    """Per (quarter, unit, zone, indicator): Σ numerator, Σ denominator and the villages summed,
    for the indicators `keys`, plus (`reported`) per (quarter, unit) a row with zone and
    indicator "*" giving the villages that reported anything; None while the summary is off.

    `level` "province" (unit 0: every county's rows summed here), "county" (unit: county id) or
    "township" (unit: township id); `scope` None, ("county", id) or ("township", id) narrows
    the units to those inside it."""
    kind = scope[0] if scope else None
    statement = _prepared(("sums", level, kind), lambda: _sums(level, kind))
    params = {
        "quarters": list(quarters),
        "approved_only": bool(approved_only),
        "keys": [*keys, ANY] if reported else list(keys),
        "scope_id": scope[1] if scope else None,
        "definitions": definitions,
    }
    return rows_while_on(connection.execute(statement, params).all())


# Each read's statement is built once per shape (values are bind parameters): building and
# keying a SQLAlchemy statement costs more CPU than PostgreSQL spends running it.
_STATEMENTS: dict = {}


def _prepared(shape, build):
    statement = _STATEMENTS.get(shape)
    if statement is None:
        statement = _STATEMENTS[shape] = with_state(build())
    return statement


def _sums(level, kind):
    unit, where = _scoped(areas, level, kind)
    where += [
        areas.c.quarter.in_(bindparam("quarters", expanding=True)),
        areas.c.approved_only == bindparam("approved_only", type_=Boolean),
        areas.c.indicator.in_(bindparam("keys", expanding=True)),
    ]
    detail = (areas.c.quarter, areas.c.zone, areas.c.indicator)
    sums = (areas.c.numerator, areas.c.denominator, areas.c.villages)
    if level == "province":
        statement = select(*detail[:1], unit, *detail[1:], *map(func.sum, sums)).group_by(*detail)
    else:
        statement = select(*detail[:1], unit, *detail[1:], *sums)
    return statement.where(*where)


def _scoped(table, level, kind):
    """(the unit column, the conditions) picking `level`'s areas inside a scope of `kind`
    (None, "county" or "township"; its id is the parameter scope_id) from `table`."""
    if level not in SUMMED_LEVELS:
        raise ValueError(f"unknown level {level!r}")
    scope_id = bindparam("scope_id", type_=Integer)
    stored = "township" if level == "township" or kind == "township" else "county"
    where = [table.c.level == stored]
    if kind == "county" and stored == "county":
        where.append(table.c.area_id == scope_id)
    elif kind == "county":
        inside = select(townships.c.id).where(townships.c.county_id == scope_id)
        where.append(table.c.area_id.in_(inside))
    elif kind == "township":
        if level != "township":
            raise ValueError(f"a township scope goes with level township, not {level!r}")
        where.append(table.c.area_id == scope_id)
    elif kind is not None:
        raise ValueError(f"unknown scope {kind!r}")
    unit = literal(0, Integer) if level == "province" else table.c.area_id
    return unit, where
