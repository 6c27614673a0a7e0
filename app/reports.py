"""Roll-ups and trends for the dashboard, the API, the map and the exports: the one path from
answers to a number on a screen.

Thin on purpose: app/rollups/tallies.py asks the database for one tally per village (one statement
per
call), app/rollups/targets.py says which target applies to each village's zone, and
app/rollups/core.py (pure)
does all the arithmetic. Levels go village → township → county → province: the province is
the one top unit over every county of the deployment (config PROVINCE_CODE, PROVINCE_NAME),
counties come from the counties table. Unknown codes raise LookupError.
"""

from collections.abc import Sequence

from flask import current_app
from sqlalchemy import func, select

from app.coverage import honest
from app.extensions import db
from app.formdefs.indicators import Indicator
from app.formdefs.registry import current_forms
from app.models import County, Township, Village
from app.periods import parse_period
from app.rollups.core import (
    IndicatorResult,
    Tally,
    UnitResult,
    indicator_result,
    roll_through,
    roll_up,
    shared_target,
    village_tally,
)
from app.rollups.reports_summed import summed_rollup, summed_trend
from app.rollups.summary.quarter import reads_summary
from app.rollups.summary.read import area_villages, summary_figures
from app.rollups.tallies import VillageFigures, village_figures
from app.rollups.targets import TargetTable, targets_at
from app.settings import reports_scope_approved_only
from app.unit_kinds import counted, coverage_threshold, kind_counts

LEVELS = ("province", "county", "township", "village")  # top down
PROVINCE = 0  # the province's unit id: the one unit over every county of the deployment
# Which scopes go with which level: a unit's own level or a level below it.
SCOPES_OF_LEVEL = {
    "province": (),
    "county": ("county",),
    "township": ("county", "township"),
    "village": ("county", "township"),
}


def _approved_only(choice: bool | None) -> bool:
    return reports_scope_approved_only() if choice is None else choice


def rollup(
    period: str, level: str, scope: str | None = None, approved_only: bool | None = None
) -> list[UnitResult]:
    """Every indicator for every unit of `level` in `period`. `scope` is a county code (6
    digits) or a township code (9 digits): level county with a county scope is that county
    only, level township with a county scope its townships, level village its villages, and so
    on. `approved_only` defaults to the deployment's setting (app/settings.py); deleted
    inspections never count."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    place = place_of(scope) if scope else None
    if place and place[0] not in SCOPES_OF_LEVEL[level]:
        raise ValueError(f"a {place[0]} scope does not go with level {level}")
    span = parse_period(period)
    indicators = current_forms().indicators.indicators
    targets = targets_at(span.start, span.end)
    county_of = _county_of(place) if level in ("province", "county") else {}
    units = _units(level, place, county_of)
    if level != "village" and span.is_quarter and reads_summary():
        rolled, reported_count = summed_rollup(
            indicators, span, level, place, targets, _approved_only(approved_only)
        )
    else:
        rows = _period_figures(indicators, span, place, _approved_only(approved_only))
        tallies = _village_tallies(rows, indicators, targets)
        township_of = {row.village_id: row.township_id for row in rows}
        steps = parent_steps(level, township_of.__getitem__, county_of.__getitem__)
        rolled = {key: roll_through(by_village, *steps) for key, by_village in tallies.items()}
        reported_count = roll_through({v: Tally(villages_reported=1) for v in township_of}, *steps)

    results = []
    kinds, threshold = kind_counts(level, place), coverage_threshold()
    for unit_id, (code, name, zones) in units.items():
        indicator_results = {}
        for ind in indicators:
            tally = rolled[ind.key].get(unit_id, Tally())
            result = indicator_result(tally, *_fallbacks(targets, ind.key, zones))
            units_counted = counted(kinds.get(unit_id, {}), ind)
            indicator_results[ind.key] = honest(result, units_counted, threshold)
        results.append(
            UnitResult(
                code=code,
                name=name,
                level=level,
                villages_total=sum(zones.values()),
                villages_reported=reported_count.get(unit_id, Tally()).villages_reported,
                indicators=indicator_results,
            )
        )
    return results


def _fallbacks(targets: TargetTable, key: str, zones) -> tuple[float | None, float | None]:
    """The target and the path's expected value all the unit's zones share, if they do."""
    return (
        shared_target({targets.for_zone(key, z) for z in zones}),
        shared_target({targets.expected_for_zone(key, z) for z in zones}),
    )


def parent_steps(level: str, township_of, county_of) -> list:
    """The parent_of of each step from a village up to `level`: village → township → county →
    province (unit PROVINCE). Summed from the village tallies or from the summary's township
    sums alike."""
    chain = [township_of, county_of, lambda _county: PROVINCE]
    return chain[: LEVELS[::-1].index(level)]


def trend(
    indicator: str, level: str, code: str, periods: Sequence[str], approved_only: bool | None = None
) -> list[tuple[str, IndicatorResult]]:
    """One indicator of one unit over several periods (one statement for a run of quarters)."""
    ind = current_forms().indicators.get(indicator)
    if ind is None:
        raise LookupError(f"unknown indicator {indicator!r}")
    scope, zones = _unit_scope(level, code)
    spans = [parse_period(p) for p in periods]
    if not spans:
        return []
    units_counted = counted(kind_counts(level, scope).get(_unit_id(scope), {}), ind)
    threshold = coverage_threshold()
    return [
        (period, honest(result, units_counted, threshold))
        for period, result in _trend(ind, level, zones, scope, spans, approved_only)
    ]


def _unit_id(scope) -> int:
    return PROVINCE if scope is None else scope[1]


def _trend(ind, level, zones, scope, spans, approved_only):
    """The series as the roll-up gives it, before its statuses are judged for coverage."""
    quarters = all(s.is_quarter for s in spans)
    if quarters and level != "village" and reads_summary():
        return summed_trend(ind, spans, scope, zones, _approved_only(approved_only))
    rows = None
    if quarters and reads_summary():  # None while the summary is off
        rows = summary_figures(
            db.session.connection(),
            [ind],
            [s.code for s in spans],
            scope=scope,
            approved_only=_approved_only(approved_only),
        )
    if rows is None and quarters:
        rows = village_figures(
            db.session.connection(),
            [ind],
            min(s.start for s in spans),
            max(s.end for s in spans),
            "",
            by_quarter=True,
            scope=scope,
            approved_only=_approved_only(approved_only),
        )
    elif rows is None:
        rows = [
            row
            for s in spans
            for row in village_figures(
                db.session.connection(),
                [ind],
                s.start,
                s.end,
                s.code,
                scope=scope,
                approved_only=_approved_only(approved_only),
            )
        ]
    series = []
    for span in spans:
        targets = targets_at(span.start, span.end)
        in_period = [row for row in rows if row.period == span.code]
        by_village = _village_tallies(in_period, [ind], targets)[ind.key]
        tally = roll_up(by_village, lambda _village: 0).get(0, Tally())
        series.append((span.code, indicator_result(tally, *_fallbacks(targets, ind.key, zones))))
    return series


def _period_figures(indicators, span, place, approved_only: bool) -> list[VillageFigures]:
    """Per-village figures of one period: a quarter from the summary while it is on (and
    ROLLUP_SOURCE is not "live"); a year always from the answers (its figure is the village's
    latest inspection of the year, which no sum of quarter rows gives)."""
    connection = db.session.connection()
    if span.is_quarter and reads_summary():
        county = place is not None and place[0] == "county"
        # The summary reads a township's or a village's rows: a county's are its townships'.
        rows = summary_figures(
            connection,
            indicators,
            [span.code],
            scope=None if county else place,
            approved_only=approved_only,
        )
        if rows is not None and county:
            townships = set(_county_of(place))
            return [row for row in rows if row.township_id in townships]
        if rows is not None:
            return rows
    return village_figures(
        connection,
        indicators,
        span.start,
        span.end,
        span.code,
        scope=place,
        approved_only=approved_only,
    )


def province_unit() -> tuple[str, str]:
    return current_app.config["PROVINCE_CODE"], current_app.config["PROVINCE_NAME"]


def _village_tallies(
    rows: list[VillageFigures], indicators: Sequence[Indicator], targets: TargetTable
) -> dict[str, dict[int, Tally]]:
    out: dict[str, dict[int, Tally]] = {ind.key: {} for ind in indicators}
    zones = {row.zone for row in rows}
    for k, ind in enumerate(indicators):
        # one target lookup per zone, not per village (25,000 villages at province scale)
        target_of = {
            zone: (targets.for_zone(ind.key, zone), targets.expected_for_zone(ind.key, zone))
            for zone in zones
        }
        tallies = out[ind.key]
        for row in rows:
            figures = row.figures[k]
            if figures is not None:
                tallies[row.village_id] = village_tally(*figures, *target_of[row.zone])
    return out


def place_of(code: str) -> tuple[str, int]:
    """A scope code → ("county", id) for a 6-digit county code or ("township", id) for a
    9-digit township code; LookupError when there is no such unit."""
    kind, model = {6: ("county", County), 9: ("township", Township)}.get(len(code), (None, None))
    unit_id = None
    if model is not None:
        unit_id = db.session.scalar(select(model.id).where(model.code == code))
    if unit_id is None:
        raise LookupError(f"unknown county or township {code!r}")
    return kind, unit_id


def _townships_where(place) -> list:
    if place is None:
        return []
    kind, unit_id = place
    return [Township.county_id == unit_id] if kind == "county" else [Township.id == unit_id]


def _villages_where(place) -> list:
    if place is None:
        return []
    kind, unit_id = place
    if kind == "township":
        return [Village.township_id == unit_id]
    return [Village.township_id.in_(select(Township.id).where(Township.county_id == unit_id))]


def _county_of(place) -> dict[int, int]:
    """township id → county id, for the townships in scope."""
    return dict(
        db.session.execute(
            select(Township.id, Township.county_id).where(*_townships_where(place))
        ).all()
    )


def _units(level: str, place, county_of: dict[int, int]) -> dict[int, tuple[str, str, dict]]:
    """unit id → (code, name, {zone: villages}) for every unit shown, reported or not, in code
    order (the province is unit PROVINCE)."""
    if level == "village":
        rows = db.session.execute(
            select(Village.id, Village.code, Village.name, Village.zone)
            .where(*_villages_where(place))
            .order_by(Village.code)
        ).all()
        return {vid: (code, name, {zone: 1}) for vid, code, name, zone in rows}
    stored = _stored_zones(level, place)
    if stored is None:
        counts = db.session.execute(
            select(Village.township_id, Village.zone, func.count())
            .where(*_villages_where(place))
            .group_by(Village.township_id, Village.zone)
        ).all()
    if level == "province":
        if stored is not None:
            return {PROVINCE: (*province_unit(), stored.get(PROVINCE, {}))}
        zones: dict[str, int] = {}
        for _tid, zone, n in counts:
            zones[zone] = zones.get(zone, 0) + n
        return {PROVINCE: (*province_unit(), zones)}
    if level == "county":
        where = [County.id == place[1]] if place else []
        rows = db.session.execute(
            select(County.id, County.code, County.name).where(*where).order_by(County.code)
        ).all()
        parent_of = county_of.__getitem__
    else:
        rows = db.session.execute(
            select(Township.id, Township.code, Township.name)
            .where(*_townships_where(place))
            .order_by(Township.code)
        ).all()
        parent_of = lambda township: township  # noqa: E731
    if stored is not None:
        return {uid: (code, name, stored.get(uid, {})) for uid, code, name in rows}
    units = {uid: (code, name, {}) for uid, code, name in rows}
    for tid, zone, n in counts:
        zones = units[parent_of(tid)][2]
        zones[zone] = zones.get(zone, 0) + n
    return units


def _unit_scope(level: str, code: str):
    """(scope for the tally statement, {zone: villages}) of one unit."""
    if level == "province":
        if code != current_app.config["PROVINCE_CODE"]:
            raise LookupError(f"unknown province {code!r}")
        stored = _stored_zones("province", None)
        return None, stored.get(PROVINCE, {}) if stored is not None else _zone_counts()
    if level in ("county", "township"):
        place = place_of(code) if len(code) == {"county": 6, "township": 9}[level] else None
        if place is None:
            raise LookupError(f"unknown {level} {code!r}")
        stored = _stored_zones(level, place)
        if stored is not None:
            return place, stored.get(place[1], {})
        return place, _zone_counts(*_villages_where(place))
    if level == "village":
        village = db.session.execute(select(Village).where(Village.code == code)).scalar()
        if village is None:
            raise LookupError(f"unknown village {code!r}")
        return ("village", village.id), {village.zone: 1}
    raise ValueError(f"unknown level {level!r}")


def _stored_zones(level: str, place) -> dict[int, dict[str, int]] | None:
    """{unit: {zone: villages}} from the summary while it is on (counting 25,000 villages per
    request costs more than the roll-up's sums), else None."""
    return area_villages(db.session.connection(), level, place) if reads_summary() else None


def _zone_counts(*where) -> dict[str, int]:
    return dict(
        db.session.execute(
            select(Village.zone, func.count()).where(*where).group_by(Village.zone)
        ).all()
    )
