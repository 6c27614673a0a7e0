"""What a reviewer sees before approving: the village's rates as of this inspection against their
targets, the change from the village's previous inspection (large jumps marked), the GPS flags,
the photos and who entered it when.

The rates come from the roll-up's own SQL (app/rollups/tallies.py `village_figures`, scoped to the
one village and the inspection's day) and its arithmetic (app/rollups/core.py): there is no second
formula. That statement takes the village's latest inspection of the day, so when two inspections of
one village share a day, the later one's figures show and the page says so (`same_day_later`).

A "large jump" is a change of at least LARGE_JUMP_POINTS percentage points in any indicator from
the previous inspection: such an inspection, or one with a GPS flag, is left out of a batch
approval and must be looked at on its own. An indicator counting villages is a yes/no for one
village: its change is a flip (否 → 是), shown as such, and never a jump of magnitude.
"""

from dataclasses import dataclass
from datetime import date

from app.extensions import db
from app.formdefs.registry import current_forms
from app.inspections.changes import live
from app.models import Inspection
from app.rollups.core import status, village_tally
from app.rollups.figures import percent
from app.rollups.tallies import village_figures
from app.rollups.targets import targets_at

LARGE_JUMP_POINTS = 30.0  # |Δ| in percentage points from the previous inspection


@dataclass(frozen=True)
class RateRow:
    key: str
    label: dict
    rate: float | None  # a fraction
    target: float | None
    status: str  # app/rollups/core.py STATUSES
    previous: float | None
    delta_points: float | None  # (rate − previous) in percentage points, one decimal
    large_jump: bool
    # A village's yes/no (an indicator counting villages: its rate for one village is 0 or 1):
    # a flip is shown as 否 → 是, not as "+100", and is no jump of magnitude.
    yes_no: bool = False


@dataclass(frozen=True)
class Evidence:
    inspection: Inspection
    previous: Inspection | None
    rates: tuple[RateRow, ...]
    same_day_later: bool

    @property
    def large_jump(self) -> bool:
        return any(r.large_jump for r in self.rates)

    @property
    def flagged(self) -> bool:
        """A flag no lead has cleared (a cleared one has been looked at)."""
        return any(f.cleared_at is None for f in self.inspection.flags)

    @property
    def clean(self) -> bool:
        """May go into a batch approval: no open flag and no large jump."""
        return not self.flagged and not self.large_jump


def _figures(inspection: Inspection, memo: dict) -> dict[str, tuple[float, float] | None]:
    """The village's figures as of the inspection's day (memo: the queue's rows share them: one
    row's inspection is often the next row's previous one)."""
    key = (inspection.village_id, inspection.inspected_on)
    if key not in memo:
        memo[key] = _figures_of_day(inspection)
    return memo[key]


def _figures_of_day(inspection: Inspection) -> dict[str, tuple[float, float] | None]:
    indicators = list(current_forms().indicators)
    day = inspection.inspected_on
    rows = village_figures(
        db.session.connection(),
        indicators,
        day,
        day,
        inspection.quarter,
        scope=("village", inspection.village_id),
        approved_only=False,
    )
    figures = rows[0].figures if rows else (None,) * len(indicators)
    return {i.key: f for i, f in zip(indicators, figures, strict=True)}


def previous_inspection(inspection: Inspection) -> Inspection | None:
    """The village's live inspection before this one (by date, then by when it was stored)."""
    earlier = (Inspection.inspected_on < inspection.inspected_on) | (
        (Inspection.inspected_on == inspection.inspected_on) & (Inspection.id < inspection.id)
    )
    return db.session.execute(
        db.select(Inspection)
        .where(live(), Inspection.village_id == inspection.village_id, earlier)
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def counts_villages(indicator) -> bool:
    """An indicator whose denominator counts villages (forms/indicators.json `"count": true`):
    for one village its rate is yes (1) or no (0)."""
    return indicator.denominator.kind == "count"


def _rate(figure, target):
    if figure is None:
        return None, status(None, target)
    tally = village_tally(figure[0], figure[1], target)
    return tally.rate, status(tally.rate, tally.target)


def evidence(inspection: Inspection, memo: dict | None = None) -> Evidence:
    """`memo`: a dict shared by the calls of one request, else none."""
    memo = {} if memo is None else memo
    previous = previous_inspection(inspection)
    now = _figures(inspection, memo)
    before = _figures(previous, memo) if previous else {}
    later = db.session.scalar(
        db.select(db.func.count())
        .select_from(Inspection)
        .where(
            live(),
            Inspection.village_id == inspection.village_id,
            Inspection.inspected_on == inspection.inspected_on,
            Inspection.id > inspection.id,
        )
    )
    return _evidence(inspection, previous, now, before, bool(later), memo)


def queue_evidence(inspections: list[Inspection]) -> list[Evidence]:
    """`evidence` of each inspection of a queue's page in three statements, whatever the page's
    size (issue 21: it was three or four per row): each one's previous inspection and how many
    of its village's inspections of the same day were stored after it (one statement), those
    previous inspections (one), and the village figures of every inspection's day and every
    previous one's (one: the roll-up's statement split by day, app/rollups/tallies.py)."""
    if not inspections:
        return []
    previous_of, later_of = _previous_and_later([i.id for i in inspections])
    wanted = {p for p in previous_of.values() if p is not None}
    previous = {}
    if wanted:
        found = db.session.execute(db.select(Inspection).where(Inspection.id.in_(sorted(wanted))))
        previous = {p.id: p for p in found.scalars()}
    days = [*inspections, *previous.values()]
    figures = _figures_of_days(days)
    memo: dict = {}
    out = []
    for inspection in inspections:
        before_one = previous.get(previous_of[inspection.id])
        now = figures[inspection.village_id, inspection.inspected_on]
        before = figures[before_one.village_id, before_one.inspected_on] if before_one else {}
        later = bool(later_of[inspection.id])
        out.append(_evidence(inspection, before_one, now, before, later, memo))
    return out


def _previous_and_later(ids: list[int]) -> tuple[dict, dict]:
    """{id: the id of its village's live inspection before it, or None} and {id: how many live
    inspections of its village on its day were stored after it}: `previous_inspection` and
    `evidence`'s count as correlated subqueries, one row per inspection."""
    page = db.aliased(Inspection)
    earlier = (Inspection.inspected_on < page.inspected_on) | (
        (Inspection.inspected_on == page.inspected_on) & (Inspection.id < page.id)
    )
    previous = (
        db.select(Inspection.id)
        .where(live(), Inspection.village_id == page.village_id, earlier)
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
        .limit(1)
        .correlate(page)
        .scalar_subquery()
    )
    later = (
        db.select(db.func.count())
        .select_from(Inspection)
        .where(
            live(),
            Inspection.village_id == page.village_id,
            Inspection.inspected_on == page.inspected_on,
            Inspection.id > page.id,
        )
        .correlate(page)
        .scalar_subquery()
    )
    rows = db.session.execute(db.select(page.id, previous, later).where(page.id.in_(ids))).all()
    return {r[0]: r[1] for r in rows}, {r[0]: r[2] for r in rows}


def _figures_of_days(inspections: list[Inspection]) -> dict:
    """{(village id, day): figures} as `_figures_of_day` gives them, for every inspection's
    village and day, in one statement over the days they span (days no inspection here names
    are read too, and left out)."""
    indicators = list(current_forms().indicators)
    days = [i.inspected_on for i in inspections]
    village_ids = tuple(sorted({i.village_id for i in inspections}))
    rows = village_figures(
        db.session.connection(),
        indicators,
        min(days),
        max(days),
        "",
        by_quarter="day",
        scope=("villages", village_ids),
        approved_only=False,
    )
    by_day = {(row.village_id, _day(row.period)): row.figures for row in rows}
    none = (None,) * len(indicators)
    return {
        (i.village_id, i.inspected_on): {
            ind.key: f
            for ind, f in zip(
                indicators, by_day.get((i.village_id, i.inspected_on), none), strict=True
            )
        }
        for i in inspections
    }


def _day(value) -> date:
    """The period of a by-day row: a date (PostgreSQL, or SQLite through the Date column) or its
    ISO text."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _evidence(inspection, previous, now, before, later: bool, memo: dict) -> Evidence:
    targets_key = ("targets", inspection.inspected_on)
    if targets_key not in memo:
        memo[targets_key] = targets_at(inspection.inspected_on)
    targets = memo[targets_key]
    rows = []
    for indicator in current_forms().indicators:
        target = targets.for_zone(indicator.key, inspection.village.zone)
        rate, verdict = _rate(now.get(indicator.key), target)
        old, _old_status = _rate(before.get(indicator.key), target)
        yes_no = counts_villages(indicator)
        delta = None if rate is None or old is None else round(percent(rate) - percent(old), 1)
        jump = delta is not None and abs(delta) >= LARGE_JUMP_POINTS and not yes_no
        rows.append(
            RateRow(indicator.key, indicator.label, rate, target, verdict, old, delta, jump, yes_no)
        )
    return Evidence(inspection, previous, tuple(rows), later)
