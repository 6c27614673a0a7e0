"""Province, county and township roll-ups and trends of quarters from the summary's sums
(ROLLUP_SOURCE = "summary"): the database sums numerators and denominators per township and
zone, and app/rollup.zone_tally turns each sum into the tally its villages would have summed
to, since a zone's villages share one target. At province scale this skips a Python loop over
25,000 villages × 6 indicators; village-level roll-ups still read one row per village.

The contract app/reports.py calls (levels and units are reports.py's):
  summed_rollup(indicators, span, level, scope, targets, approved_only) -> (rolled, reported)
  summed_trend(ind, spans, scope, zones, approved_only) -> [(period code, IndicatorResult)]
with scope None, ("county", county id) or ("township", township id). A county scope reads
every township's sums and keeps its own townships': simple, and correct at any size.
"""

from sqlalchemy import select

from app.extensions import db
from app.models import Township
from app.quarter_summary import summary_zone_sums
from app.rollup import Tally, indicator_result, roll_through, shared_target, zone_tally
from app.targets import targets_at


def summed_rollup(indicators, span, level, scope, targets, approved_only):
    """rolled {indicator key: {unit id: Tally}} and reported {unit id: Tally(villages_reported)}
    with unit ids: township ids (level township), county ids (county), 0 (province)."""
    from app.reports import parent_steps  # reports imports this module

    county_of = _county_of()
    sums, reported = _sums(indicators, [span.code], scope, approved_only, county_of)
    groups: dict[str, dict[tuple, Tally]] = {ind.key: {} for ind in indicators}
    for _quarter, township_id, zone, key, numerator, denominator, villages in sums:
        tally = zone_tally(numerator, denominator, villages, targets.for_zone(key, zone))
        groups[key][(township_id, zone)] = tally
    steps = parent_steps(level, lambda group: group[0], county_of.__getitem__)
    rolled = {key: roll_through(by_group, *steps) for key, by_group in groups.items()}
    counts = {tid: Tally(villages_reported=n) for (_q, tid), n in reported.items()}
    return rolled, roll_through(counts, *steps[1:])


def summed_trend(ind, spans, scope, zones, approved_only):
    """A unit's quarters (the province's, a county's or a township's) from the summary's sums
    per quarter and zone."""
    county_of = _county_of() if scope and scope[0] == "county" else {}
    sums, _reported = _sums([ind], [s.code for s in spans], scope, approved_only, county_of)
    series = []
    for span in spans:
        targets = targets_at(span.start)
        tally = Tally()
        for quarter, _tid, zone, _key, numerator, denominator, villages in sums:
            if quarter == span.code:
                target = targets.for_zone(ind.key, zone)
                tally = tally + zone_tally(numerator, denominator, villages, target)
        fallback = shared_target({targets.for_zone(ind.key, z) for z in zones})
        series.append((span.code, indicator_result(tally, fallback)))
    return series


def _sums(indicators, quarters, scope, approved_only, county_of):
    """summary_zone_sums for the scope: a township's directly, a county's by its townships."""
    township_id = scope[1] if scope and scope[0] == "township" else None
    sums, reported = summary_zone_sums(
        db.session.connection(), indicators, quarters, township_id, approved_only
    )
    if scope and scope[0] == "county":
        sums = [row for row in sums if county_of[row[1]] == scope[1]]
        reported = {key: n for key, n in reported.items() if county_of[key[1]] == scope[1]}
    return sums, reported


def _county_of() -> dict[int, int]:
    return dict(db.session.execute(select(Township.id, Township.county_id)).all())
