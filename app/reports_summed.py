"""County and township roll-ups and trends of quarters from the summary's sums (ROLLUP_SOURCE
= "summary"): the database sums numerators and denominators per township and zone, and
app/rollup.zone_tally turns each sum into the tally its villages would have summed to, since a
zone's villages share one target. At province scale this skips a Python loop over 25,000
villages × 6 indicators; village-level roll-ups still read one row per village.
"""

from app.extensions import db
from app.quarter_summary import summary_zone_sums
from app.rollup import Tally, indicator_result, roll_up, shared_target, zone_tally
from app.targets import targets_at


def summed_rollup(indicators, span, township, level, targets, approved_only):
    """County and township roll-ups of a quarter from the summary's sums per township and zone
    (one target per zone, so app/rollup.zone_tally gives what the villages' tallies sum to)."""
    sums, reported = summary_zone_sums(
        db.session.connection(),
        indicators,
        [span.code],
        township.id if township else None,
        approved_only,
    )
    unit_of = (lambda tid: tid) if level == "township" else (lambda _tid: 0)  # county: unit 0
    groups: dict[str, dict[tuple, Tally]] = {ind.key: {} for ind in indicators}
    for _quarter, township_id, zone, key, numerator, denominator, villages in sums:
        tally = zone_tally(numerator, denominator, villages, targets.for_zone(key, zone))
        groups[key][(township_id, zone)] = tally
    parent_of = lambda group: unit_of(group[0])  # noqa: E731
    rolled = {key: roll_up(by_group, parent_of) for key, by_group in groups.items()}
    counts = {tid: Tally(villages_reported=n) for (_q, tid), n in reported.items()}
    return rolled, roll_up(counts, unit_of)


def summed_trend(ind, spans, scope, zones, approved_only):
    """A county's or township's quarters from the summary's sums per quarter and zone."""
    sums, _reported = summary_zone_sums(
        db.session.connection(),
        [ind],
        [s.code for s in spans],
        scope[1] if scope else None,
        approved_only,
    )
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
