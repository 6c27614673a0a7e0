"""`too_fast` and `copied_answers`: judged when an inspection is first stored (and by the
rebuild), from what it holds.

Speed: the phone sends when the form was opened and when it was saved (app/formdefs/build.py);
only an inspection with every section filled in is judged, since a short one may honestly take a
minute. Copies: the filled numeric answers (counts, measures, yes/no as 1/0; the server's own
estimates left out) of another village's inspection of the same quarter equal, field for field
and none more or fewer, with at least COPY_MIN_FIELDS of them so that two near-empty forms are not
"copies".
"""

from sqlalchemy import and_, case, func, or_

from app.clock import county_time
from app.extensions import db
from app.inspections.integrity.flags import raise_flag, setting
from app.models import Answer, Inspection, Village

COPY_MIN_FIELDS = 3


def speed_evidence(opened_at, saved_at, full: bool) -> dict | None:
    """The `too_fast` evidence, or None: not full, times missing or impossible, or slow enough."""
    if not full or opened_at is None or saved_at is None:
        return None
    seconds = (saved_at - opened_at).total_seconds()
    minimum = int(setting("ENTRY_MIN_SECONDS"))
    if seconds < 0 or seconds >= minimum:
        return None
    return {
        "opened_at": county_time(opened_at),
        "saved_at": county_time(saved_at),
        "seconds": round(seconds),
        "min_seconds": minimum,
    }


def is_full(sections: set[str], form_set) -> bool:
    return {s.form_id for s in form_set.sections} <= sections


def check_speed(inspection_id: int, opened_at, saved_at, sections: set[str], form_set) -> None:
    evidence = speed_evidence(opened_at, saved_at, is_full(sections, form_set))
    if evidence is not None:
        raise_flag(inspection_id, "too_fast", evidence, replace=True)


def numeric_answers(answers) -> dict[tuple[str, str], float]:
    """(section, field) → value of the filled numeric answers the inspector gave."""
    return {
        (a.section, a.field): a.value_num
        for a in answers
        if a.value_num is not None and a.basis != "estimated"
    }


def copies_of(inspection_id: int, village_id: int, quarter: str, filled: dict) -> list[int]:
    """Ids of other villages' live inspections of `quarter`, stored before this one, whose
    filled numeric answers are exactly `filled`."""
    if len(filled) < COPY_MIN_FIELDS:
        return []
    equal = or_(
        *(
            and_(Answer.section == s, Answer.field == f, Answer.value_num == v)
            for (s, f), v in filled.items()
        )
    )
    rows = db.session.execute(
        db.select(Answer.inspection_id)
        .join(Inspection, Inspection.id == Answer.inspection_id)
        .where(
            Inspection.deleted_at.is_(None),
            Inspection.quarter == quarter,
            Inspection.village_id != village_id,
            Inspection.id < inspection_id,  # the earlier is the original (so too on a rebuild)
            Answer.value_num.is_not(None),
            or_(Answer.basis.is_(None), Answer.basis != "estimated"),
        )
        .group_by(Answer.inspection_id)
        .having(func.sum(case((equal, 1), else_=0)) == len(filled))
        .having(func.count() == len(filled))
        .order_by(Answer.inspection_id)
    ).scalars()
    return list(rows)


def copy_evidence(inspection_id: int, village_id: int, quarter: str, answers) -> dict | None:
    """The `copied_answers` evidence, or None."""
    filled = numeric_answers(answers)
    others = copies_of(inspection_id, village_id, quarter, filled)
    if not others:
        return None
    codes = dict(
        db.session.execute(
            db.select(Inspection.id, Village.code)
            .join(Village, Village.id == Inspection.village_id)
            .where(Inspection.id.in_(others))
        ).all()
    )
    return {
        "others": [{"inspection": i, "village": codes[i]} for i in others],
        "fields": len(filled),
        "quarter": quarter,
    }


def check_copies(inspection_id: int, village_id: int, quarter: str, answers) -> None:
    evidence = copy_evidence(inspection_id, village_id, quarter, answers)
    if evidence is not None:
        raise_flag(inspection_id, "copied_answers", evidence)
