"""Which target applies: to an indicator, a zone and a period.

Targets are rows in `targets`, appended and never updated, so the history stays readable and an
old quarter is judged by the target that applied then. The row that applies to a period is the
latest with `applies_from` ≤ the period's start for that zone (ties on the same date: the row set
last wins, so a same-day correction takes effect); a zone without a row of its own (notably
`unknown`) falls back to the county default, zone `*`.
"""

from dataclasses import dataclass
from datetime import date

from app.clock import utc_now
from app.extensions import db
from app.models import Target

DEFAULT_ZONE = "*"
# Zones an admin sets targets for; `unknown` villages use the county default `*`.
TARGET_ZONES = (DEFAULT_ZONE, "plain", "mountain", "county_town")


@dataclass(frozen=True)
class TargetTable:
    """The targets in force at one date: (indicator, zone) → value (a fraction)."""

    values: dict[tuple[str, str], float]

    def for_zone(self, indicator: str, zone: str) -> float | None:
        value = self.values.get((indicator, zone))
        return self.values.get((indicator, DEFAULT_ZONE)) if value is None else value


def targets_at(day: date) -> TargetTable:
    return targets_on([day])[day]


def targets_on(days) -> dict[date, TargetTable]:
    """The targets in force at each of these dates, from one read (a 30-quarter trend would
    otherwise read the table 30 times)."""
    rows = db.session.execute(
        db.select(Target.applies_from, Target.indicator, Target.zone, Target.value)
        .where(Target.applies_from <= max(days))
        .order_by(Target.applies_from, Target.set_at, Target.id)
    ).all()
    tables = {}
    for day in days:
        values: dict[tuple[str, str], float] = {}
        for applies_from, indicator, zone, value in rows:  # later rows replace earlier ones
            if applies_from <= day:
                values[(indicator, zone)] = value
        tables[day] = TargetTable(values)
    return tables


def history(indicator: str | None = None) -> list[Target]:
    statement = db.select(Target).order_by(
        Target.indicator, Target.zone, Target.applies_from, Target.set_at, Target.id
    )
    if indicator:
        statement = statement.where(Target.indicator == indicator)
    return list(db.session.execute(statement).scalars())


def add_target(
    indicator: str, zone: str, value: float, applies_from: date, actor, source: str = ""
) -> Target:
    """Append a row (the caller commits). Nothing is ever updated in place."""
    row = Target(
        indicator=indicator,
        zone=zone,
        value=value,
        applies_from=applies_from,
        source=source or f"set by {actor.username}",
        set_by_id=actor.id,
        set_at=utc_now(),
    )
    db.session.add(row)
    db.session.flush()
    return row
