"""Test data for roll-ups: inspections written straight into the tables (ids in insertion
order, so the latest-by-id rule can be tested), villages' zones set, targets appended."""

import uuid
from datetime import UTC, date, datetime

from app.extensions import db
from app.models import Answer, Inspection, Target, Village
from app.periods import parse_period, quarter_of


def village(code: str) -> Village:
    return db.session.execute(db.select(Village).where(Village.code == code)).scalar_one()


def set_zone(code: str, zone: str) -> None:
    village(code).zone = zone


def add_inspection(
    inspector_id: int, code: str, day: date, households: int | None = None, **sections: dict
) -> int:
    """add_inspection(uid, "140225101200", date(2026, 2, 1), 400, heating={"central": 300})."""
    answers = []
    if households is not None:
        answers.append(Answer(section="profile", field="households", value_num=households))
    for section, values in sections.items():
        for field, value in values.items():
            if isinstance(value, str):
                answers.append(Answer(section=section, field=field, value_text=value))
            else:
                answers.append(Answer(section=section, field=field, value_num=float(value)))
    now = datetime.now(UTC)
    inspection = Inspection(
        client_uuid=str(uuid.uuid4()),
        village_id=village(code).id,
        inspector_id=inspector_id,
        inspected_on=day,
        quarter=quarter_of(day),
        year=day.year,
        notes="",
        content_hash="0" * 64,
        form_versions={},
        created_at=now,
        updated_at=now,
        answers=answers,
    )
    db.session.add(inspection)
    db.session.flush()
    return inspection.id


def add_target(indicator: str, zone: str, value: float, period: str) -> None:
    db.session.add(
        Target(
            indicator=indicator,
            zone=zone,
            value=value,
            applies_from=parse_period(period).start,
            source="test",
            set_at=datetime.now(UTC),
        )
    )
    db.session.flush()


def by_code(units):
    return {u.code: u for u in units}


def judge_any_coverage() -> None:
    """Judge every figure whatever its coverage (setting reports.coverage_threshold = 0): for
    worlds of a few villages whose tests are about the arithmetic, not about coverage
    (tests/rollups/test_coverage_paths.py tests the threshold)."""
    from app.models import Setting  # noqa: PLC0415 - only these worlds need it

    db.session.merge(
        Setting(key="reports.coverage_threshold", value=0, updated_at=datetime.now(UTC))
    )
    db.session.commit()
