"""Which target applies: to an indicator, a zone and a period.

Targets are rows in `targets`, appended and never updated, so the history stays readable and an
old quarter is judged by the target that applied then. The row that applies to a period is the
latest with `applies_from` ≤ the period's start for that zone (ties on the same date: the row set
last wins, so a same-day correction takes effect); a zone without a row of its own (notably
`unknown`) falls back to the county default, zone `*`.

The row in force also gives the value expected on its path (app/rollups/target_path.py) at the
period's END date: a table is made for a period's start (which row applies) and end (where on the
path).
"""

from dataclasses import dataclass, field
from datetime import date

from app.clock import utc_now
from app.extensions import db
from app.models import Target
from app.reference import cached
from app.rollups.target_path import TargetPath, expected

DEFAULT_ZONE = "*"
# Zones an admin sets targets for; `unknown` villages use the county default `*`.
TARGET_ZONES = (DEFAULT_ZONE, "plain", "mountain", "county_town")


@dataclass(frozen=True)
class TargetTable:
    """The targets in force at one date: (indicator, zone) → value (a fraction)."""

    values: dict[tuple[str, str], float]
    # (indicator, zone) → the value expected on the row's path at the period's end
    paths: dict[tuple[str, str], float] = field(default_factory=dict)

    def for_zone(self, indicator: str, zone: str) -> float | None:
        value = self.values.get((indicator, zone))
        return self.values.get((indicator, DEFAULT_ZONE)) if value is None else value

    def expected_for_zone(self, indicator: str, zone: str) -> float | None:
        """The value expected on the path (the target itself when the row has no path)."""
        key = (indicator, zone) if (indicator, zone) in self.values else (indicator, DEFAULT_ZONE)
        return self.paths.get(key, self.values.get(key))


def targets_at(day: date, path_on: date | None = None) -> TargetTable:
    """The targets in force on `day`, with their paths evaluated on `path_on` (default `day`):
    pass a period's start and end."""
    return targets_on([day], [path_on or day])[day]


def targets_on(days, path_days=None) -> dict[date, TargetTable]:
    """The targets in force at each of these dates, from one read (a 30-quarter trend would
    otherwise read the table 30 times); paths evaluated on `path_days` (one per day, in the
    same order; default the days themselves). Read once per change to the targets
    (app/reference.py): shared, do not mutate."""
    days = tuple(days)
    path_days = tuple(path_days) if path_days is not None else days
    return cached(("targets", days, path_days), lambda: _tables(days, path_days))


def _tables(days, path_days) -> dict[date, TargetTable]:
    rows = cached("target_rows", _target_rows)
    tables = {}
    for day, path_day in zip(days, path_days, strict=True):
        values: dict[tuple[str, str], float] = {}
        paths: dict[tuple[str, str], float] = {}
        for applies_from, indicator, zone, value, *path in rows:  # later rows replace earlier
            if applies_from <= day:
                values[(indicator, zone)] = value
                paths[(indicator, zone)] = expected(TargetPath(value, *path), path_day)
        tables[day] = TargetTable(values, paths)
    return tables


def _target_rows() -> list[tuple]:
    """Every target row, oldest first (ties: the row set last comes last)."""
    statement = db.select(
        Target.applies_from,
        Target.indicator,
        Target.zone,
        Target.value,
        Target.baseline_value,
        Target.baseline_date,
        Target.deadline,
    ).order_by(Target.applies_from, Target.set_at, Target.id)
    return [tuple(row) for row in db.session.execute(statement)]


def history(indicator: str | None = None) -> list[Target]:
    statement = db.select(Target).order_by(
        Target.indicator, Target.zone, Target.applies_from, Target.set_at, Target.id
    )
    if indicator:
        statement = statement.where(Target.indicator == indicator)
    return list(db.session.execute(statement).scalars())


def add_target(
    indicator: str,
    zone: str,
    value: float,
    applies_from: date,
    actor,
    source: str = "",
    path: TargetPath | None = None,
) -> Target:
    """Append a row (the caller commits). Nothing is ever updated in place. `path` gives the
    row's baseline and deadline (its value is `value`)."""
    row = Target(
        baseline_value=path.baseline_value if path else None,
        baseline_date=path.baseline_date if path else None,
        deadline=path.deadline if path else None,
        indicator=indicator,
        zone=zone,
        value=value,
        applies_from=applies_from,
        source=source or f"set by {actor.username}",
        set_by_id=actor.id if actor else None,  # None: the CLI (`flask import-form`)
        set_at=utc_now(),
    )
    db.session.add(row)
    db.session.flush()
    return row
