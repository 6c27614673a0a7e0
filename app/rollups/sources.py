"""Where a roll-up's tallies come from: the one seam between the answers and the summary.

Two sources give the same tallies:
- the answers (app/rollups/tallies.py, one statement per call), one tally per village;
- the roll-up summary (app/rollups/summary/), while it is switched on *and* was built from the
  indicator definitions loaded now: per village (village roll-ups), or already summed per area
  and zone (township, county and province roll-ups read ~120 counties' rows, not 25,000
  villages'). A summary built from other definitions is never read: its numbers would be the
  old definition's, so the answers are read instead until `flask rebuild-summary`.
Either way a caller gets `Leaves`: tallies of the smallest units the source gives (villages, or
(unit, zone) sums) and the steps from them up to the units asked for, which
app/rollups/reports.py hands to the one `roll_through` of app/rollups/core.py. Nothing here
divides. A year always comes from the answers: its figure is each village's latest inspection
of the year, which no sum of quarter rows gives.
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date

from app.extensions import db
from app.formdefs.indicators import Indicator
from app.formdefs.registry import current_forms
from app.models.summary import ANY
from app.periods import Period
from app.reference import memo
from app.rollups.core import Tally, roll_through, village_tally, zone_tally
from app.rollups.share_indicators import share_indicators
from app.rollups.summary.quarter import reads_summary
from app.rollups.summary.read import area_sums, summary_figures
from app.rollups.tallies import VillageFigures, village_figures
from app.rollups.targets import TargetTable

LEVELS = ("province", "county", "township", "village")  # top down
PROVINCE = 0  # the province's unit id: the one unit over every county of the deployment


@dataclass(frozen=True, slots=True)
class Leaves:
    """Tallies of the smallest units a source gives, and how they roll up to the units asked
    for: `steps` are the parent_of of each level climbed (village → township → county →
    province), or one step from an area's (unit, zone) sum to its unit."""

    tallies: dict[str, dict[Hashable, Tally]]  # indicator key → leaf → tally
    reported: dict[Hashable, Tally]  # leaf → villages that reported any section
    steps: tuple[Callable, ...]
    # "answers", "summary villages" or "summary areas" (already summed per unit: no step)
    source: str = "answers"

    def rolled(self) -> tuple[dict[str, dict], dict]:
        """({indicator key: {unit: Tally}}, {unit: Tally with villages_reported})."""
        by_indicator = {key: roll_through(t, *self.steps) for key, t in self.tallies.items()}
        return by_indicator, roll_through(self.reported, *self.steps)


def period_leaves(
    indicators: Sequence[Indicator],
    span: Period,
    level: str,
    place,
    targets: TargetTable,
    approved_only: bool,
    county_of: dict[int, int],
) -> Leaves:
    """The tallies behind a roll-up of `level` units inside `place` (None, ("county", id) or
    ("township", id)) for one period; `county_of` maps township → county for the townships in
    scope (needed at levels county and province)."""
    if span.is_quarter and reads_summary():
        leaves = _summary_leaves(indicators, span, level, place, targets, approved_only, county_of)
        if leaves is not None:
            return leaves
    rows = answer_figures(indicators, span, place, approved_only)
    shares = share_indicators(current_forms().form_set)
    if {i.section for i in shares} - {i.section for i in indicators}:
        # a village holding only a share's section has a row but reported no indicator
        count = len(indicators)
        rows = [row for row in rows if any(f is not None for f in row.figures[:count])]
    return _village_leaves(rows, indicators, targets, level, county_of)


def answer_figures(
    indicators: Sequence[Indicator], span: Period, place, approved_only: bool
) -> list[VillageFigures]:
    """The period's figures of every village in `place` from the answers: `indicators`, then
    the estimated share of each calculated field (app/rollups/share_indicators.py), in one
    statement. Read once per transaction for the same arguments (app/reference.memo): a county
    page's county, township and village roll-ups and its estimated shares read the same rows,
    and used to read them four times."""
    keys = tuple(i.key for i in indicators)

    def read() -> list[VillageFigures]:
        every = (*indicators, *share_indicators(current_forms().form_set))
        connection = db.session.connection()
        return village_figures(
            connection, every, span.start, span.end, span.code, scope=place,
            approved_only=approved_only,
        )  # fmt: skip

    return memo(("answer_figures", keys, span, place, approved_only), read)


def trend_tallies(
    ind: Indicator,
    spans: Sequence[Period],
    level: str,
    scope,
    approved_only: bool,
    targets: dict[date, TargetTable],
) -> dict[str, dict[Hashable, Tally]]:
    """{period: {leaf: tally}} of one indicator for the one unit `scope` names (None for the
    province), each period judged by `targets` at its start (app/rollups/targets.targets_on)."""
    quarters = all(s.is_quarter for s in spans)
    if quarters and reads_summary() and level != "village":
        sums = _area_trend(ind, spans, scope, approved_only)
        if sums is not None:
            return {
                s.code: {
                    zone: zone_tally(*zone_sums, *_target_and_path(targets[s.start], ind.key, zone))
                    for zone, zone_sums in sums.get(s.code, {}).items()
                }
                for s in spans
            }
    elif quarters and reads_summary():
        rows = summary_figures(
            db.session.connection(),
            [ind],
            [s.code for s in spans],
            scope=scope,
            approved_only=approved_only,
            definitions=_definitions(),
        )
        if rows is not None:
            return _village_trend(rows, ind, spans, targets)
    return _village_trend(_trend_answers(ind, spans, scope, approved_only), ind, spans, targets)


def parent_steps(level: str, township_of, county_of) -> list:
    """The parent_of of each step from a village up to `level`: village → township → county →
    province (unit PROVINCE)."""
    chain = [township_of, county_of, lambda _county: PROVINCE]
    return chain[: LEVELS[::-1].index(level)]


def _target_and_path(targets: TargetTable, key: str, zone: str) -> tuple:
    """The zone's target and the value expected on its path (app/rollups/targets.py)."""
    return targets.for_zone(key, zone), targets.expected_for_zone(key, zone)


def _definitions() -> str:
    return current_forms().indicators.fingerprint


def _summary_leaves(indicators, span, level, place, targets, approved_only, county_of):
    """Leaves from the summary, or None while it is off or out of date."""
    connection = db.session.connection()
    if level == "village":
        county = place is not None and place[0] == "county"
        # The summary reads a township's or a village's rows: a county's are its townships'.
        rows = summary_figures(
            connection,
            indicators,
            [span.code],
            scope=None if county else place,
            approved_only=approved_only,
            definitions=_definitions(),
        )
        if rows is None:
            return None
        if county:
            rows = [row for row in rows if row.township_id in county_of]
        leaves = _village_leaves(rows, indicators, targets, level, county_of)
        return Leaves(leaves.tallies, leaves.reported, leaves.steps, "summary villages")
    keys = [i.key for i in indicators]
    rows = area_sums(
        connection, level, [span.code], place, approved_only, keys, definitions=_definitions()
    )
    if rows is None:
        return None
    return _area_leaves(rows, keys, targets)


def _area_leaves(rows, keys, targets: TargetTable) -> Leaves:
    """Leaves already summed per unit from an area's (quarter, unit, zone, indicator) sums:
    each zone's tally as zone_tally makes it, added up per unit as roll_up adds them (the same
    order, so the same floats), without a Tally per (unit, zone) and a second pass (the
    counties' table has ~2,900 such rows; issue 21's profile)."""
    sums: dict[str, dict[Hashable, list]] = {key: {} for key in keys}
    reported: dict[Hashable, Tally] = {}
    zones = {row[2] for row in rows}
    target_of = {(k, z): _target_and_path(targets, k, z) for k in keys for z in zones}
    for _quarter, unit, zone, key, numerator, denominator, villages in rows:
        if key == ANY:
            reported[unit] = Tally(villages_reported=int(villages))
            continue
        target, expected = target_of[key, zone]
        if target is None:
            weighted = weight = offset = 0.0
        else:
            weighted, weight = target * denominator, denominator
            offset = 0.0 if expected is None else (expected - target) * denominator
        acc = sums[key].get(unit)
        if acc is None:
            sums[key][unit] = [numerator, denominator, weighted, weight, int(villages), offset]
        else:
            acc[0] += numerator
            acc[1] += denominator
            acc[2] += weighted
            acc[3] += weight
            acc[4] += int(villages)
            acc[5] += offset
    tallies = {
        key: {unit: Tally(*acc) for unit, acc in by_unit.items()} for key, by_unit in sums.items()
    }
    return Leaves(tallies, reported, (), "summary areas")


def _village_leaves(rows: list[VillageFigures], indicators, targets, level, county_of) -> Leaves:
    township_of = {row.village_id: row.township_id for row in rows}
    steps = parent_steps(level, township_of.__getitem__, county_of.__getitem__)
    reported = {village: Tally(villages_reported=1) for village in township_of}
    return Leaves(village_tallies(rows, indicators, targets), reported, tuple(steps))


def village_tallies(
    rows: list[VillageFigures], indicators: Sequence[Indicator], targets: TargetTable
) -> dict[str, dict[Hashable, Tally]]:
    out: dict[str, dict[Hashable, Tally]] = {ind.key: {} for ind in indicators}
    zones = {row.zone for row in rows}
    for k, ind in enumerate(indicators):
        # one target lookup per zone, not per village (25,000 villages at province scale)
        target_of = {zone: _target_and_path(targets, ind.key, zone) for zone in zones}
        tallies = out[ind.key]
        for row in rows:
            figures = row.figures[k]
            if figures is not None:
                tallies[row.village_id] = village_tally(*figures, *target_of[row.zone])
    return out


def _village_trend(rows, ind, spans, targets) -> dict[str, dict[Hashable, Tally]]:
    by_period: dict[str, list[VillageFigures]] = {}
    for row in rows:
        by_period.setdefault(row.period, []).append(row)
    return {
        s.code: village_tallies(by_period.get(s.code, []), [ind], targets[s.start])[ind.key]
        for s in spans
    }


def _trend_answers(ind, spans, scope, approved_only) -> list[VillageFigures]:
    connection = db.session.connection()
    if all(s.is_quarter for s in spans):  # one statement for a run of quarters
        start, end = min(s.start for s in spans), max(s.end for s in spans)
        return village_figures(
            connection, [ind], start, end, "", by_quarter=True, scope=scope,
            approved_only=approved_only,
        )  # fmt: skip
    return [
        row
        for s in spans
        for row in village_figures(
            connection, [ind], s.start, s.end, s.code, scope=scope, approved_only=approved_only
        )
    ]


def _area_trend(ind, spans, scope, approved_only) -> dict[str, dict[str, tuple]] | None:
    """{quarter: {zone: (Σ numerator, Σ denominator, villages)}} of one area from the summary,
    or None while it is off or out of date."""
    level = scope[0] if scope else "province"
    rows = area_sums(
        db.session.connection(),
        level,
        [s.code for s in spans],
        scope,
        approved_only,
        [ind.key],
        reported=False,
        definitions=_definitions(),
    )
    if rows is None:
        return None
    sums: dict[str, dict[str, tuple]] = {}
    for quarter, _unit, zone, _key, numerator, denominator, villages in rows:
        sums.setdefault(quarter, {})[zone] = (numerator, denominator, int(villages))
    return sums
