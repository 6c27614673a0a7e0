"""Province, county and township roll-ups and trends of quarters from the summary's sums per area
(app/summary_read.area_sums), while the summary is on; from the answers while it is off.

The database only sums stored tallies per area, zone and indicator (DHIS2 analytics-table
style); app/rollup.zone_tally turns each sum into the tally its villages would have summed to
(a zone's villages share one target) and app/rollup.roll_up adds them per unit, so the
arithmetic has one home. A province roll-up reads ~120 counties' rows, not 25,000 villages'.

The state is read in the same statement as the sums, so a switch-off between the caller's
check and this read gives the answers' figures, never an emptied summary's zeros.
"""

from operator import itemgetter

from app.extensions import db
from app.models import Township
from app.models.summary import ANY
from app.rollups.core import (
    Tally,
    indicator_result,
    roll_up,
    shared_target,
    village_tally,
    zone_tally,
)
from app.rollups.summary.read import area_sums
from app.rollups.tallies import village_figures
from app.rollups.targets import targets_on


def summed_rollup(indicators, span, level, scope, targets, approved_only):
    """One quarter's roll-up: ({indicator key: {unit id: Tally}}, {unit id: Tally with
    villages_reported}); units are townships (level "township"), counties ("county") or the
    province (unit 0); `scope` None, ("county", id) or ("township", id)."""
    keys = [i.key for i in indicators]
    connection = db.session.connection()
    rows = area_sums(connection, level, [span.code], scope, approved_only, keys)
    if rows is None:
        return _live_rollup(indicators, span, level, scope, targets, approved_only)
    target_of = _zone_targets(targets, keys, {row[2] for row in rows})
    groups: dict[str, dict[tuple, Tally]] = {key: {} for key in keys}
    reported: dict[int, Tally] = {}
    for _quarter, unit, zone, key, numerator, denominator, villages in rows:
        if key == ANY:
            reported[unit] = Tally(villages_reported=int(villages))
        else:
            target, path = target_of[key, zone]
            groups[key][unit, zone] = zone_tally(
                numerator, denominator, int(villages), target, path
            )
    rolled = {key: roll_up(by_zone, itemgetter(0)) for key, by_zone in groups.items()}
    return rolled, reported


def summed_trend(ind, spans, scope, zones, approved_only):
    """[(quarter, IndicatorResult)] of one indicator over quarters, for the province (scope
    None), a county or a township; `zones` {zone: villages} of the unit, for the target shown
    when nothing was reported."""
    level = scope[0] if scope else "province"
    connection = db.session.connection()
    quarters = [s.code for s in spans]
    rows = area_sums(connection, level, quarters, scope, approved_only, [ind.key], reported=False)
    if rows is None:
        tallies = _live_trend(ind, spans, scope, approved_only)
    else:
        tallies = {}
        for quarter, _unit, zone, _key, numerator, denominator, villages in rows:
            tallies.setdefault(quarter, {})[zone] = (numerator, denominator, int(villages))
    series = []
    targets_then = targets_on([s.start for s in spans], [s.end for s in spans])
    for span in spans:
        targets = targets_then[span.start]
        by_zone = {
            zone: zone_tally(
                *sums, targets.for_zone(ind.key, zone), targets.expected_for_zone(ind.key, zone)
            )
            for zone, sums in tallies.get(span.code, {}).items()
        }
        tally = roll_up(by_zone, lambda _zone: 0).get(0, Tally())
        fallback = shared_target({targets.for_zone(ind.key, z) for z in zones})
        path = shared_target({targets.expected_for_zone(ind.key, z) for z in zones})
        series.append((span.code, indicator_result(tally, fallback, path)))
    return series


def _zone_targets(targets, keys, zones) -> dict[tuple[str, str], float | None]:
    """One lookup per indicator and zone, not per row: (target, value expected on its path)."""
    return {
        (key, zone): (targets.for_zone(key, zone), targets.expected_for_zone(key, zone))
        for key in keys
        for zone in zones
    }


# While the summary is off: the same results from the answers (one tally statement).


def _live_rollup(indicators, span, level, scope, targets, approved_only):
    rows = _live_rows(indicators, span.start, span.end, span.code, scope, approved_only)
    unit_of = _units_of(level, rows).__getitem__
    target_of = _zone_targets(targets, [i.key for i in indicators], {r.zone for r in rows})
    rolled = {}
    for k, ind in enumerate(indicators):
        tallies = {
            row.village_id: village_tally(*row.figures[k], *target_of[ind.key, row.zone])
            for row in rows
            if row.figures[k] is not None
        }
        rolled[ind.key] = roll_up(tallies, unit_of)
    reported = roll_up({row.village_id: Tally(villages_reported=1) for row in rows}, unit_of)
    return rolled, reported


def _units_of(level, rows) -> dict[int, int]:
    """village id → unit id."""
    if level == "province":
        return {row.village_id: 0 for row in rows}
    if level == "township":
        return {row.village_id: row.township_id for row in rows}
    county_of = dict(db.session.execute(db.select(Township.id, Township.county_id)).all())
    return {row.village_id: county_of[row.township_id] for row in rows}


def _live_trend(ind, spans, scope, approved_only):
    """{quarter: {zone: (Σ numerator, Σ denominator, villages)}} from the answers."""
    start, end = min(s.start for s in spans), max(s.end for s in spans)
    rows = _live_rows([ind], start, end, "", scope, approved_only, by_quarter=True)
    wanted = {s.code for s in spans}
    sums: dict[str, dict[str, tuple]] = {}
    for row in rows:
        if row.period in wanted and row.figures[0] is not None:
            numerator, denominator, villages = sums.setdefault(row.period, {}).get(
                row.zone, (0.0, 0.0, 0)
            )
            sums[row.period][row.zone] = (
                numerator + row.figures[0][0],
                denominator + row.figures[0][1],
                villages + 1,
            )
    return sums


def _live_rows(indicators, start, end, code, scope, approved_only, by_quarter=False):
    kind = scope[0] if scope else None
    rows = village_figures(
        db.session.connection(),
        indicators,
        start,
        end,
        code,
        by_quarter=by_quarter,
        scope=scope if kind == "township" else None,
        approved_only=approved_only,
    )
    if kind == "county":
        inside = set(
            db.session.scalars(db.select(Township.id).where(Township.county_id == scope[1]))
        )
        rows = [row for row in rows if row.township_id in inside]
    return rows
