"""Which coefficient edition applies, seeding them, and appending a new one.

Coefficients are rows in `coefficients`, appended and never updated (like targets): the edition
that applies on a day is the latest with `applies_from` ≤ that day (same day: the one set last).
An estimate is worked out with the editions in force on the inspection's date and records them,
so a later edition never changes a stored figure. An edit of the inspection re-estimates with the
editions it recorded (`pinned`): a correction fixes what was typed, never the coefficients behind
it. An edition applies from the current quarter on (`earliest_edition_day`), as a target does:
a past period keeps the figures it was judged by; `flask recompute-estimates` is the deliberate
way to apply a corrected edition to stored estimates (issue 25, finding 14).
"""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.clock import utc_now
from app.extensions import db
from app.models import Coefficient
from app.periods import parse_period, quarter_of

SEED_FILE = Path(__file__).resolve().parent.parent / "data" / "coefficients.json"


@dataclass(frozen=True)
class CoefficientTable:
    """The editions in force on one day, by key."""

    editions: dict[str, Coefficient]

    @property
    def values(self) -> dict[str, float]:
        return {key: row.value for key, row in self.editions.items()}

    def used(self, keys) -> list[dict]:
        """What an estimate records about the editions it used (stored as JSON)."""
        return [edition_summary(self.editions[k]) for k in keys if k in self.editions]


def edition_summary(row: Coefficient) -> dict:
    return {
        "key": row.key,
        "id": row.id,
        "value": row.value,
        "unit": row.unit,
        "grade": row.grade,
        "unverified": row.unverified,
        "applies_from": row.applies_from.isoformat(),
    }


def coefficients_at(day: date) -> CoefficientTable:
    rows = db.session.execute(
        db.select(Coefficient)
        .where(Coefficient.applies_from <= day)
        .order_by(Coefficient.applies_from, Coefficient.set_at, Coefficient.id)
    ).scalars()
    editions: dict[str, Coefficient] = {}
    for row in rows:  # later rows replace earlier ones
        editions[row.key] = row
    return CoefficientTable(editions)


def pinned(table: CoefficientTable, edition_ids) -> CoefficientTable:
    """`table` with the editions of `edition_ids` (those an earlier estimate recorded) in place
    of the ones in force, key by key."""
    ids = set(edition_ids)
    if not ids:
        return table
    rows = db.session.execute(db.select(Coefficient).where(Coefficient.id.in_(ids))).scalars()
    return CoefficientTable({**table.editions, **{row.key: row for row in rows}})


def editions_recorded(coefficient_json: list[str | None]) -> set[int]:
    """The edition ids stored answers' `coefficients` JSON records."""
    return {
        used["id"] for text in coefficient_json if text for used in json.loads(text) if "id" in used
    }


def earliest_edition_day(today: date) -> date:
    """The first day a new edition may apply from: the current quarter's first day."""
    return parse_period(quarter_of(today)).start


def history(key: str | None = None) -> list[Coefficient]:
    statement = db.select(Coefficient).order_by(
        Coefficient.key, Coefficient.applies_from, Coefficient.set_at, Coefficient.id
    )
    if key:
        statement = statement.where(Coefficient.key == key)
    return list(db.session.execute(statement).scalars())


def add_edition(key: str, value: float, applies_from: date, actor, **facts) -> Coefficient:
    """Append an edition of an existing key (the caller commits). Labels and unit carry over
    from the key's latest edition; scope, source, grade and note are the new edition's."""
    latest = history(key)[-1]
    grade = facts.get("grade") or latest.grade
    row = Coefficient(
        key=key,
        label_zh=latest.label_zh,
        label_en=latest.label_en,
        value=value,
        unit=latest.unit,
        scope=facts.get("scope") or latest.scope,
        source=facts.get("source") or f"set by {actor.username}",
        grade=grade,
        unverified=grade == "U",
        applies_from=applies_from,
        note=facts.get("note", ""),
        set_by_id=actor.id,
        set_at=utc_now(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def edition_bound(key: str, path: Path = SEED_FILE) -> float | None:
    """The largest value an added edition of `key` may take, from the seed file's `bounds`:
    max_factor × the seeded value, and no more than its unit's cap. None for a key not seeded."""
    data = json.loads(path.read_text())
    bounds = data.get("bounds", {})
    for spec in data["coefficients"]:
        if spec["key"] == key:
            bound = float(spec["value"]) * bounds.get("max_factor", 10)
            cap = bounds.get("unit_caps", {}).get(spec["unit"])
            return bound if cap is None else min(bound, float(cap))
    return None


def seed_coefficients(path: Path = SEED_FILE) -> int:
    """Add the seeded editions that are missing (by key and date); never change one."""
    data = json.loads(path.read_text())
    applies_from = date.fromisoformat(data["applies_from"])
    present = set(db.session.execute(db.select(Coefficient.key, Coefficient.applies_from)).all())
    added = 0
    for spec in data["coefficients"]:
        if (spec["key"], applies_from) in present:
            continue
        db.session.add(
            Coefficient(
                key=spec["key"],
                label_zh=spec["zh"],
                label_en=spec["en"],
                value=float(spec["value"]),
                unit=spec["unit"],
                scope=spec["scope"],
                source=spec["source"],
                grade=spec["grade"],
                unverified=spec["grade"] == "U",
                applies_from=applies_from,
                note=spec.get("note", ""),
            )
        )
        added += 1
    return added


def json_used(table: CoefficientTable, keys) -> str:
    return json.dumps(table.used(keys), ensure_ascii=False, sort_keys=True)
