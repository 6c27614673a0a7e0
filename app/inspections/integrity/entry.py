"""`too_fast` and `copied_answers`: judged when an inspection is first stored (and by the
rebuild), from what it holds.

Speed: the phone sends when the form was opened and when it was saved (app/formdefs/build.py);
only an inspection with every section filled in is judged, since a short one may honestly take a
minute. Copies: the filled numeric answers (counts, measures, yes/no as 1/0; the server's own
estimates left out) of another village's inspection of the same quarter equal, field for field
and none more or fewer, with at least COPY_MIN_FIELDS of them so that two near-empty forms are not
"copies".
"""

from sqlalchemy import or_

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
    filled numeric answers are exactly `filled`.

    A copy holds every one of `filled`, so in particular its most telling value (`_probe`): the
    candidates are the inspections holding that one answer, found through the index on
    (section, field, value_num), and only their answers are read and compared. Reading every
    answer of the quarter instead made each submission slower than the one before (issue 21's
    profile: most of a submission's time once a quarter held a few thousand inspections)."""
    if len(filled) < COPY_MIN_FIELDS:
        return []
    (section, field), value = _probe(filled)
    candidates = (
        db.select(Answer.inspection_id)
        .join(Inspection, Inspection.id == Answer.inspection_id)
        .where(
            Answer.section == section,
            Answer.field == field,
            Answer.value_num == value,
            *_counted_answer(),
            *_earlier_elsewhere(inspection_id, village_id, quarter),
        )
    )
    answers: dict[int, dict] = {}
    for other, s, f, v in db.session.execute(
        db.select(Answer.inspection_id, Answer.section, Answer.field, Answer.value_num).where(
            Answer.inspection_id.in_(candidates), *_counted_answer()
        )
    ):
        answers.setdefault(other, {})[s, f] = v
    # the same answers, field for field and none more or fewer ((inspection, section, field) is
    # unique): compared here, the few candidates' rows, not in SQL with a condition per field
    return sorted(other for other, theirs in answers.items() if theirs == filled)


def _earlier_elsewhere(inspection_id: int, village_id: int, quarter: str) -> list:
    return [
        Inspection.deleted_at.is_(None),
        Inspection.quarter == quarter,
        Inspection.village_id != village_id,
        Inspection.id < inspection_id,  # the earlier is the original (so too on a rebuild)
    ]


def _counted_answer() -> list:
    """A filled numeric answer the inspector gave (not the server's estimate)."""
    return [
        Answer.value_num.is_not(None),
        or_(Answer.basis.is_(None), Answer.basis != "estimated"),
    ]


def _probe(filled: dict):
    """The filled answer least likely to be shared by chance: not a yes/no or a zero, the
    largest otherwise (a head count, a tonnage). Which one is chosen changes only the speed."""
    return max(filled.items(), key=lambda item: (item[1] not in (0.0, 1.0), abs(item[1])))


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
