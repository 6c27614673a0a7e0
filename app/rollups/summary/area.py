"""The summary's sums per township and county (app/models/summary.py), recomputed from the level
below inside the writing transaction.

Why: a province roll-up that sums 25,000 villages' rows per request costs ~300 ms of database
time; summed once per write, a request reads ~120 counties' rows. SQL here only sums stored
tallies per area, zone and indicator (DHIS2's analytics tables do the same: numerator and
denominator aggregated separately per org unit); targets and every division stay in
app/rollups/core.py (zone_tally, roll_up).

Why recompute rather than add deltas: numerators are floats (tonnes), and a running total of
additions and subtractions drifts from the sum of what is there; a recomputed row is always the
sum of the rows below it. A township's rows come from its villages' rows (~15 villages), a
county's from its townships' rows (~14 townships), so a write recomputes a few hundred rows.
The caller (app/rollups/summary/quarter.py) holds the areas' locks, so two writers of one township
recompute it one after the other, the second seeing the first's committed villages.
"""

from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, literal, select, union_all

from app.models import (
    AreaQuarterFigure,
    AreaVillageCount,
    Inspection,
    Township,
    Village,
    VillageQuarterFigure,
)
from app.models.summary import ANY

figures = VillageQuarterFigure.__table__
inspections = Inspection.__table__
areas = AreaQuarterFigure.__table__
counts = AreaVillageCount.__table__
villages = Village.__table__
townships = Township.__table__
BOTH = (False, True)  # both settings are kept; naming them lets an index probe the key
COLUMNS = (
    "level",
    "area_id",
    "quarter",
    "approved_only",
    "zone",
    "indicator",
    "numerator",
    "denominator",
    "villages",
)
LEVELS = ("township", "county")  # in the order they are recomputed: each from the one before


@dataclass
class Reach:
    """What a transaction's writes reach: the (village, quarter) places to recount, the
    townships' and counties' sums per quarter, and the areas whose village counts changed."""

    places: set = field(default_factory=set)
    towns: dict[str, set[int]] = field(default_factory=dict)  # quarter → township ids
    counties: dict[str, set[int]] = field(default_factory=dict)  # quarter → county ids
    counted_towns: set[int] = field(default_factory=set)
    counted_counties: set[int] = field(default_factory=set)

    def area_ids(self, level: str) -> list[int]:
        by_quarter, counted = (
            (self.towns, self.counted_towns)
            if level == "township"
            else (self.counties, self.counted_counties)
        )
        return sorted(set(counted).union(*by_quarter.values()))


def touched(connection, places, ids, moved_villages, moved_townships) -> Reach:
    """The Reach of these places, inspection ids, moved villages ({id: former townships}: a new
    zone or township, or new or deleted) and moved townships ({id: former counties}).

    The village → township → county rows are read FOR SHARE (PostgreSQL): a transaction moving
    a village to another township (or a township to another county) then waits for this one to
    commit before it recomputes both areas, or this one waits for it and sees the new area;
    otherwise this write's village rows could land in an area already recomputed without them."""
    reach = Reach(places={p for p in places if None not in p})
    where_of = _townships_of_villages(connection, reach, ids, moved_villages)
    _reach_townships(connection, reach, where_of, moved_villages)
    _reach_counties(connection, reach, moved_townships)
    return reach


def _townships_of_villages(connection, reach: Reach, ids, moved_villages) -> dict[int, int]:
    """village → township for every village reached, locked; adds the inspections' places."""
    where_of: dict[int, int] = {}
    if ids:  # one locking read gives the inspections' places and their villages' townships
        for village, quarter, township in connection.execute(
            select(inspections.c.village_id, inspections.c.quarter, villages.c.township_id)
            .join(villages, villages.c.id == inspections.c.village_id)
            .where(inspections.c.id.in_(sorted(ids)))
            .with_for_update(read=True, of=villages)
        ):
            reach.places.add((village, quarter))
            where_of[village] = township
    unknown = {village for village, _quarter in reach.places} | set(moved_villages)
    if unknown := sorted(unknown - where_of.keys()):
        where_of.update(
            connection.execute(
                select(villages.c.id, villages.c.township_id)
                .where(villages.c.id.in_(unknown))
                .with_for_update(read=True)
            ).all()
        )
    return where_of


def _reach_townships(connection, reach: Reach, where_of, moved_villages) -> None:
    """The townships (and quarters) to recompute: each reached village's, and for a moved
    village every quarter it has inspections in, its old township and its new."""
    village_rows = [(where_of[v], q, ()) for v, q in reach.places if v in where_of]
    if moved_villages:
        village_rows += [
            (township, quarter, moved_villages[village])
            for village, quarter, township in connection.execute(
                select(inspections.c.village_id, inspections.c.quarter, villages.c.township_id)
                .join(villages, villages.c.id == inspections.c.village_id)
                .where(inspections.c.village_id.in_(sorted(moved_villages)))
                .distinct()
            )
        ]
        for village, former in moved_villages.items():  # a deleted village: its former only
            reach.counted_towns.update(former, [where_of[village]] if village in where_of else [])
    for township, quarter, former in village_rows:
        reach.towns.setdefault(quarter, set()).update((township, *former))


def _reach_counties(connection, reach: Reach, moved_townships) -> None:
    """The counties (and quarters) to recompute: those of the reached townships, and for a
    moved township every quarter its villages have inspections in, old county and new."""
    county_of = {}
    if wanted := sorted(set(reach.area_ids("township")) | set(moved_townships)):
        county_of = dict(
            connection.execute(
                select(townships.c.id, townships.c.county_id)
                .where(townships.c.id.in_(wanted))
                .with_for_update(read=True)
            ).all()
        )
    county_rows = [(county_of[t], q, ()) for q, ids in reach.towns.items() for t in ids]
    if moved_townships:
        county_rows += [
            (county, quarter, moved_townships[township])
            for township, quarter, county in connection.execute(
                select(villages.c.township_id, inspections.c.quarter, townships.c.county_id)
                .select_from(
                    inspections.join(villages, villages.c.id == inspections.c.village_id).join(
                        townships, townships.c.id == villages.c.township_id
                    )
                )
                .where(villages.c.township_id.in_(sorted(moved_townships)))
                .distinct()
            )
        ]
        for township, former in moved_townships.items():
            reach.counted_counties.update(former, [county_of[township]])
    for county, quarter, former in county_rows:
        reach.counties.setdefault(quarter, set()).update((county, *former))
    reach.counted_counties.update(county_of[t] for t in reach.counted_towns if t in county_of)


def apply(connection, reach: Reach, keys) -> None:
    """Recompute every area row the reach names, each level from the one below (the caller
    has recounted the village rows and holds the areas' locks)."""
    recompute(connection, "township", reach.towns, keys)
    recompute(connection, "county", reach.counties, keys)
    recount(connection, "township", reach.counted_towns)
    recount(connection, "county", reach.counted_counties)


def recount(connection, level: str, ids) -> None:
    """Replace these areas' village counts per zone (all areas when `ids` is None)."""
    if ids is not None and not ids:
        return
    if level == "township":
        area, zone, source = villages.c.township_id, villages.c.zone, villages
        counted = func.count()
        where = []
    else:
        area, zone = townships.c.county_id, counts.c.zone
        source = counts.join(townships, townships.c.id == counts.c.area_id)
        counted = func.sum(counts.c.villages)
        where = [counts.c.level == "township"]
    if ids is not None:
        ids = sorted(ids)
        where.append(area.in_(ids))
        connection.execute(delete(counts).where(counts.c.level == level, counts.c.area_id.in_(ids)))
    statement = (
        select(literal(level), area, zone, counted)
        .select_from(source)
        .where(*where)
        .group_by(area, zone)
    )
    connection.execute(
        insert(counts).from_select(("level", "area_id", "zone", "villages"), statement)
    )


def recompute(connection, level: str, by_quarter: dict[str, set[int]], keys) -> None:
    """Replace the rows of these areas (township or county ids) in these quarters, for the
    indicators `keys` (the current forms'; named so that every statement is an index range, and
    rows of an indicator dropped from the forms before a rebuild are left alone)."""
    keys = [*keys, ANY]
    for quarter, ids in sorted(by_quarter.items()):
        ids = sorted(ids)
        connection.execute(
            delete(areas).where(
                areas.c.level == level,
                areas.c.quarter == quarter,
                areas.c.approved_only.in_(BOTH),
                areas.c.indicator.in_(keys),
                areas.c.area_id.in_(ids),
            )
        )
        statement = _sums(level, quarter, ids, keys)
        connection.execute(insert(areas).from_select(COLUMNS, statement))


def rebuild(connection, quarters, keys) -> None:
    """Every area's rows of these quarters, from village rows already rebuilt, and every area's
    village counts (the caller has emptied the tables)."""
    recount(connection, "township", None)
    recount(connection, "county", None)
    keys = [*keys, ANY]
    for quarter in sorted(quarters):
        for level in LEVELS:
            statement = _sums(level, quarter, None, keys)
            connection.execute(insert(areas).from_select(COLUMNS, statement))


def _sums(level: str, quarter: str, ids, keys):
    """The SELECT of an area level's rows of one quarter (all areas when `ids` is None)."""
    if level == "township":
        source = figures.join(villages, villages.c.id == figures.c.village_id)
        area = villages.c.township_id
        where = [
            figures.c.quarter == quarter,
            figures.c.approved_only.in_(BOTH),
            figures.c.indicator.in_(keys),
        ]
        group = (area, figures.c.quarter, figures.c.approved_only)
        detail = (villages.c.zone, figures.c.indicator)
        numerator, denominator = figures.c.numerator, figures.c.denominator
        counted = func.count()
        # a village reporting two indicators is one village that reported anything
        anything = func.count(figures.c.village_id.distinct())
    elif level == "county":
        source = areas.join(townships, townships.c.id == areas.c.area_id)
        area = townships.c.county_id
        where = [
            areas.c.level == "township",
            areas.c.quarter == quarter,
            areas.c.approved_only.in_(BOTH),
            areas.c.indicator.in_(keys),
        ]
        group = (area, areas.c.quarter, areas.c.approved_only)
        # the townships' "*" rows are summed with the rest: each village is in one township
        detail = (areas.c.zone, areas.c.indicator)
        numerator, denominator = areas.c.numerator, areas.c.denominator
        counted = func.sum(areas.c.villages)
        anything = None
    else:
        raise ValueError(f"unknown area level {level!r}")
    if ids is not None and level == "county":
        # the townships' ids, not their county: each is then a probe of the key (the planners
        # would otherwise read every township's rows of the quarter and filter by county)
        inside = select(townships.c.id).where(townships.c.county_id.in_(ids))
        where.append(areas.c.area_id.in_(inside))
    elif ids is not None:
        where.append(area.in_(ids))
    label = literal(level)
    per_zone = (
        select(label, *group, *detail, func.sum(numerator), func.sum(denominator), counted)
        .select_from(source)
        .where(*where)
        .group_by(*group, *detail)
    )
    if anything is None:
        return per_zone
    reported = (
        select(label, *group, literal(ANY), literal(ANY), literal(0.0), literal(0.0), anything)
        .select_from(source)
        .where(*where)
        .group_by(*group)
    )
    return union_all(per_zone, reported)
