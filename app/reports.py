"""Roll-ups and trends for the dashboard, the API, the map and the exports: the one path from
answers to a number on a screen.

Thin on purpose: app/tallies.py asks the database for one tally per village (one statement per
call), app/targets.py says which target applies to each village's zone, and app/rollup.py (pure)
does all the arithmetic. Unknown township or village codes raise LookupError.
"""

from collections.abc import Sequence

from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.forms_registry import current_forms
from app.indicators import Indicator
from app.models import Township, Village
from app.periods import parse_period
from app.quarter_summary import reads_summary
from app.reports_summed import summed_rollup, summed_trend
from app.rollup import (
    IndicatorResult,
    Tally,
    UnitResult,
    indicator_result,
    roll_up,
    shared_target,
    village_tally,
)
from app.settings import reports_scope_approved_only
from app.summary_read import area_villages, summary_figures
from app.tallies import VillageFigures, village_figures
from app.targets import TargetTable, targets_at

LEVELS = ("county", "township", "village")


def _approved_only(choice: bool | None) -> bool:
    return reports_scope_approved_only() if choice is None else choice


def rollup(
    period: str, level: str, township_code: str | None = None, approved_only: bool | None = None
) -> list[UnitResult]:
    """Every indicator for every unit of `level` in `period`; with `township_code`, only that
    township (level township) or its villages (level village). `approved_only` defaults to the
    county's setting (app/settings.py); deleted inspections never count."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    if level == "county" and township_code:
        raise ValueError("a township code goes with level township or village")
    span = parse_period(period)
    indicators = current_forms().indicators.indicators
    township = _township(township_code) if township_code else None
    scope = ("township", township.id) if township else None
    targets = targets_at(span.start)
    units = _units(level, township)
    if level != "village" and span.is_quarter and reads_summary():
        summed_level = "province" if level == "county" else level  # this county is unit 0
        rolled, reported_count = summed_rollup(
            indicators, span, summed_level, scope, targets, _approved_only(approved_only)
        )
    else:
        rows = _period_figures(indicators, span, scope, _approved_only(approved_only))
        tallies = _village_tallies(rows, indicators, targets)
        reported = {row.village_id: row.township_id for row in rows}
        if level == "village":
            parent_of = lambda village: village  # noqa: E731
        elif level == "township":
            parent_of = reported.__getitem__
        else:
            parent_of = lambda _village: 0  # noqa: E731 - the county is unit 0
        rolled = {key: roll_up(by_village, parent_of) for key, by_village in tallies.items()}
        reported_count = roll_up({v: Tally(villages_reported=1) for v in reported}, parent_of)

    results = []
    for unit_id, (code, name, zones) in units.items():
        indicator_results = {}
        for ind in indicators:
            tally = rolled[ind.key].get(unit_id, Tally())
            fallback = shared_target({targets.for_zone(ind.key, z) for z in zones})
            indicator_results[ind.key] = indicator_result(tally, fallback)
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
        targets = targets_at(span.start)
        in_period = [row for row in rows if row.period == span.code]
        by_village = _village_tallies(in_period, [ind], targets)[ind.key]
        tally = roll_up(by_village, lambda _village: code).get(code, Tally())
        fallback = shared_target({targets.for_zone(ind.key, z) for z in zones})
        series.append((span.code, indicator_result(tally, fallback)))
    return series


def _period_figures(indicators, span, scope, approved_only: bool) -> list[VillageFigures]:
    """Per-village figures of one period: a quarter from the summary while it is on (and
    ROLLUP_SOURCE is not "live"); a year always from the answers (its figure is the village's
    latest inspection of the year, which no sum of quarter rows gives)."""
    connection = db.session.connection()
    if span.is_quarter and reads_summary():
        rows = summary_figures(
            connection, indicators, [span.code], scope=scope, approved_only=approved_only
        )
        if rows is not None:
            return rows
    return village_figures(
        connection,
        indicators,
        span.start,
        span.end,
        span.code,
        scope=scope,
        approved_only=approved_only,
    )


def county_unit() -> tuple[str, str]:
    return current_app.config["COUNTY_CODE"], current_app.config["COUNTY_NAME"]


def _village_tallies(
    rows: list[VillageFigures], indicators: Sequence[Indicator], targets: TargetTable
) -> dict[str, dict[int, Tally]]:
    out: dict[str, dict[int, Tally]] = {ind.key: {} for ind in indicators}
    zones = {row.zone for row in rows}
    for k, ind in enumerate(indicators):
        # one target lookup per zone, not per village (25,000 villages at province scale)
        target_of = {zone: targets.for_zone(ind.key, zone) for zone in zones}
        tallies = out[ind.key]
        for row in rows:
            figures = row.figures[k]
            if figures is not None:
                tallies[row.village_id] = village_tally(*figures, target_of[row.zone])
    return out


def _township(code: str) -> Township:
    township = db.session.execute(select(Township).where(Township.code == code)).scalar()
    if township is None:
        raise LookupError(f"unknown township {code!r}")
    return township


def _units(level: str, township: Township | None) -> dict[int, tuple[str, str, dict]]:
    """unit id → (code, name, {zone: villages}) for every unit shown, reported or not."""
    scope = [Village.township_id == township.id] if township else []
    if level == "village":
        rows = db.session.execute(
            select(Village.id, Village.code, Village.name, Village.zone)
            .where(*scope)
            .order_by(Village.code)
        ).all()
        return {vid: (code, name, {zone: 1}) for vid, code, name, zone in rows}
    stored = _stored_zones(
        "province" if level == "county" else "township",
        ("township", township.id) if township else None,
    )
    if stored is not None:
        counts = [(unit, zone, n) for unit, zones in stored.items() for zone, n in zones.items()]
    else:
        counts = db.session.execute(
            select(Village.township_id, Village.zone, func.count())
            .where(*scope)
            .group_by(Village.township_id, Village.zone)
        ).all()
    if level == "county":
        zones: dict[str, int] = {}
        for _tid, zone, n in counts:
            zones[zone] = zones.get(zone, 0) + n
        return {0: (*county_unit(), zones)}
    townships = db.session.execute(
        select(Township.id, Township.code, Township.name)
        .where(*([Township.id == township.id] if township else []))
        .order_by(Township.code)
    ).all()
    units = {tid: (code, name, {}) for tid, code, name in townships}
    for tid, zone, n in counts:
        units[tid][2][zone] = n
    return units


def _unit_scope(level: str, code: str):
    """(scope for the tally statement, {zone: villages}) of one unit."""
    if level == "county":
        if code != current_app.config["COUNTY_CODE"]:
            raise LookupError(f"unknown county {code!r}")
        stored = _stored_zones("province", None)
        return None, stored.get(0, {}) if stored is not None else _zone_counts()
    if level == "township":
        township = _township(code)
        scope = ("township", township.id)
        stored = _stored_zones("township", scope)
        if stored is not None:
            return scope, stored.get(township.id, {})
        return scope, _zone_counts(Village.township_id == township.id)
    if level == "village":
        village = db.session.execute(select(Village).where(Village.code == code)).scalar()
        if village is None:
            raise LookupError(f"unknown village {code!r}")
        return ("village", village.id), {village.zone: 1}
    raise ValueError(f"unknown level {level!r}")


def _stored_zones(level: str, scope) -> dict[int, dict[str, int]] | None:
    """{unit: {zone: villages}} from the summary while it is on (counting 25,000 villages per
    request costs more than the roll-up's sums), else None."""
    return area_villages(db.session.connection(), level, scope) if reads_summary() else None


def _zone_counts(*where) -> dict[str, int]:
    return dict(
        db.session.execute(
            select(Village.zone, func.count()).where(*where).group_by(Village.zone)
        ).all()
    )
