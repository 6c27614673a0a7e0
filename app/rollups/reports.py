"""Roll-ups and trends for the dashboard, the API, the map and the exports: the one path from
answers to a number on a screen.

Thin on purpose: app/rollups/sources.py gives the tallies (from the answers, or from the
summary while it is on and current), app/rollups/targets.py says which target applies to each
zone, and app/rollups/core.py (pure) does all the arithmetic with its one `roll_through` /
`roll_up`. Levels go village → township → county → province: the province is the one top unit
over every county of the deployment (config PROVINCE_CODE, PROVINCE_NAME), counties come from
the counties table. Unknown codes raise LookupError.
"""

from collections.abc import Sequence

from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.formdefs.registry import current_forms
from app.models import County, Township, Village
from app.periods import parse_period
from app.reference import cached
from app.rollups.core import (
    IndicatorResult,
    Tally,
    UnitResult,
    roll_up,
    shared_target,
)
from app.rollups.coverage import judged
from app.rollups.sources import LEVELS, PROVINCE, period_leaves, trend_tallies
from app.rollups.summary.state import freshness
from app.rollups.targets import TargetTable, targets_at, targets_on
from app.rollups.unit_kinds import counted, coverage_threshold, kind_counts
from app.settings import reports_scope_approved_only

__all__ = ["LEVELS", "PROVINCE", "place_of", "rollup", "summary_freshness", "trend"]

# Which scopes go with which level: a unit's own level or a level below it.
EMPTY = Tally()
NO_FALLBACK = (None, None)


class _NoneCounted(dict):
    """A unit without any village of a counted kind: 0 units for every indicator."""

    def __missing__(self, _key):
        return 0


NONE_COUNTED = _NoneCounted()
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
    inspections never count. A village-level unit holds only the indicators that count its kind
    (forms/indicators.json `unit_kinds`): an urban community has no sewage or manure figure, so
    no page, export, ranking or map shows one for it."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    place = place_of(scope) if scope else None
    if place and place[0] not in SCOPES_OF_LEVEL[level]:
        raise ValueError(f"a {place[0]} scope does not go with level {level}")
    span = parse_period(period)
    indicators = current_forms().indicators.indicators
    targets = targets_at(span.start, span.end)
    # township → county: to climb to counties, or to keep a county's villages (the summary's
    # village rows are read per township)
    needs_counties = level in ("province", "county") or (place is not None and place[0] == "county")
    county_of = _county_of(place) if needs_counties else {}
    units = _units(level, place, county_of)
    leaves = period_leaves(
        indicators, span, level, place, targets, _approved_only(approved_only), county_of
    )
    rolled, reported_count = leaves.rolled()

    results = []
    counts, threshold = _counted(level, place, indicators), coverage_threshold()
    fallbacks: dict = {}  # (indicator, zones): most units share their zones' fallbacks
    reported_of = reported_count.get
    for unit_id, (code, name, zones) in units.items():
        indicator_results = {}
        unit_counts = counts.get(unit_id, NONE_COUNTED)
        for ind in indicators:
            units_counted = unit_counts[ind.key]
            if level == "village" and not units_counted:
                continue  # a community on a rural indicator: no figure, not even "no data"
            tally = rolled[ind.key].get(unit_id, EMPTY)
            if tally.target_weight or tally.denominator:  # the fallbacks are not used
                fallback = NO_FALLBACK
            else:
                key = (ind.key, tuple(zones))
                fallback = fallbacks.get(key)
                if fallback is None:
                    fallback = fallbacks[key] = _fallbacks(targets, ind.key, zones)
            indicator_results[ind.key] = judged(tally, *fallback, units_counted, threshold)
        results.append(
            UnitResult(
                code=code,
                name=name,
                level=level,
                villages_total=sum(zones.values()),
                villages_reported=reported_of(unit_id, EMPTY).villages_reported,
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
    # each quarter judged by the targets in force at its start, its path read at its end
    targets = targets_on([s.start for s in spans], [s.end for s in spans])
    by_period = trend_tallies(ind, spans, level, scope, _approved_only(approved_only), targets)
    units_counted = counted(kind_counts(level, scope).get(_unit_id(scope), {}), ind)
    threshold = coverage_threshold()
    series = []
    for span in spans:
        tally = roll_up(by_period[span.code], lambda _leaf: code).get(code, Tally())
        fallback = _fallbacks(targets[span.start], ind.key, zones)
        series.append((span.code, judged(tally, *fallback, units_counted, threshold)))
    return series


def _counted(level: str, place, indicators) -> dict[int, dict[str, int]]:
    """unit id → {indicator key: units it counts} (app/rollups/unit_kinds.counted), once per
    change to the units (app/reference.py); shared: do not mutate."""
    keys = tuple((i.key, tuple(i.unit_kinds)) for i in indicators)

    def count() -> dict[int, dict[str, int]]:
        return {
            unit: {ind.key: counted(kinds, ind) for ind in indicators}
            for unit, kinds in kind_counts(level, place).items()
        }

    return cached(("counted", level, place, keys), count)


def _unit_id(scope) -> int:
    return PROVINCE if scope is None else scope[1]


def _fallbacks(targets: TargetTable, key: str, zones) -> tuple[float | None, float | None]:
    """The target and the path's expected value all the unit's zones share, if they do."""
    return (
        shared_target({targets.for_zone(key, z) for z in zones}),
        shared_target({targets.expected_for_zone(key, z) for z in zones}),
    )


def summary_freshness() -> str:
    """ "off", "current", or "stale": on, but built from other indicator definitions than the
    loaded ones, so not read (the figures come from the answers) until `rebuild-summary`."""
    return freshness(db.session.connection(), current_forms().indicators.fingerprint)


def province_unit() -> tuple[str, str]:
    return current_app.config["PROVINCE_CODE"], current_app.config["PROVINCE_NAME"]


def place_of(code: str) -> tuple[str, int]:
    """A scope code → ("county", id) for a 6-digit county code or ("township", id) for a
    9-digit township code; LookupError when there is no such unit. Once per change to the
    units (app/reference.py)."""
    return cached(("place", code), lambda: _place_of(code))


def _place_of(code: str) -> tuple[str, int]:
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
    """township id → county id, for the townships in scope (shared: do not mutate)."""
    return cached(("county_of", place), lambda: _read_county_of(place))


def _read_county_of(place) -> dict[int, int]:
    return dict(
        db.session.execute(
            select(Township.id, Township.county_id).where(*_townships_where(place))
        ).all()
    )


def _units(level: str, place, county_of: dict[int, int]) -> dict[int, tuple[str, str, dict]]:
    """unit id → (code, name, {zone: villages}) for every unit shown, reported or not, in code
    order (the province is unit PROVINCE). Counted from the villages once per change to the
    units (app/reference.py), not per request; shared: do not mutate."""
    return cached(("units", level, place), lambda: _count_units(level, place, county_of))


def _count_units(level: str, place, county_of: dict[int, int]) -> dict:
    if level == "village":
        rows = db.session.execute(
            select(Village.id, Village.code, Village.name, Village.zone)
            .where(*_villages_where(place))
            .order_by(Village.code)
        ).all()
        return {vid: (code, name, {zone: 1}) for vid, code, name, zone in rows}
    counts = db.session.execute(
        select(Village.township_id, Village.zone, func.count())
        .where(*_villages_where(place))
        .group_by(Village.township_id, Village.zone)
    ).all()
    if level == "province":
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
    units = {uid: (code, name, {}) for uid, code, name in rows}
    for tid, zone, n in counts:
        zones = units[parent_of(tid)][2]
        zones[zone] = zones.get(zone, 0) + n
    return units


def _unit_scope(level: str, code: str):
    """(scope for the tally statement, {zone: villages}) of one unit, once per change to the
    units (app/reference.py); shared: do not mutate."""
    if level == "province" and code != current_app.config["PROVINCE_CODE"]:
        raise LookupError(f"unknown province {code!r}")
    return cached(("unit_scope", level, code), lambda: _read_unit_scope(level, code))


def _read_unit_scope(level: str, code: str):
    if level == "province":
        return None, _zone_counts()
    if level in ("county", "township"):
        place = place_of(code) if len(code) == {"county": 6, "township": 9}[level] else None
        if place is None:
            raise LookupError(f"unknown {level} {code!r}")
        return place, _zone_counts(*_villages_where(place))
    if level == "village":
        village = db.session.execute(select(Village).where(Village.code == code)).scalar()
        if village is None:
            raise LookupError(f"unknown village {code!r}")
        return ("village", village.id), {village.zone: 1}
    raise ValueError(f"unknown level {level!r}")


def _zone_counts(*where) -> dict[str, int]:
    return dict(
        db.session.execute(
            select(Village.zone, func.count()).where(*where).group_by(Village.zone)
        ).all()
    )
