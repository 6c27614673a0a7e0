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
    """`memo`: a dict shared by the calls of one request (the queue), else none."""
    memo = {} if memo is None else memo
    previous = previous_inspection(inspection)
    now = _figures(inspection, memo)
    before = _figures(previous, memo) if previous else {}
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
    return Evidence(inspection, previous, tuple(rows), bool(later))
