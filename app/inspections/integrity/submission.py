"""The checks a newly stored inspection gets, in the transaction that stores it (after its rows
are written, before the commit): speed, copied answers, desk GPS. Its photos come later, each
judged as it arrives (photos.py). An edit has its answers and date judged again."""

from app.extensions import db
from app.inspections.integrity.entry import check_copies, check_speed, copy_evidence
from app.inspections.integrity.flags import raise_flag, setting, withdraw_flag
from app.inspections.integrity.photos import old_photo_evidence
from app.inspections.integrity.places import check_same_place
from app.models import Photo


def check_new_inspection(inspection_id: int, values: dict, answers, form_set, code: str) -> None:
    """`values` are the inspection's column values as written, `answers` its AnswerValues."""
    sections = {a.section for a in answers if a.section != form_set.profile.form_id}
    check_speed(inspection_id, values["opened_at"], values["saved_at"], sections, form_set)
    check_copies(inspection_id, values["village_id"], values["quarter"], answers)
    if values["lat"] is not None:
        check_same_place(inspection_id, code)


def recheck_after_edit(inspection) -> None:
    """An edit replaces the answers and may move the date: copies and old photos are judged
    again (a flag no longer earned goes). Speed is the first entry's; a reused photo and the desk
    GPS stand as found (`flask rebuild-flags` judges everything again)."""
    copied = copy_evidence(
        inspection.id, inspection.village_id, inspection.quarter, inspection.answers
    )
    _replace(inspection.id, "copied_answers", copied)
    photos = db.session.execute(
        db.select(Photo.id, Photo.taken_at).where(Photo.inspection_id == inspection.id)
    ).all()
    lines = [old_photo_evidence(i, taken, inspection.inspected_on) for i, taken in photos]
    lines = [line for line in lines if line is not None]
    old = {"photos": lines, "limit_days": int(setting("PHOTO_OLD_DAYS"))} if lines else None
    _replace(inspection.id, "photo_old", old)
    db.session.expire(inspection, ["flags"])


def _replace(inspection_id: int, kind: str, evidence: dict | None) -> None:
    if evidence is None:
        withdraw_flag(inspection_id, kind)
    else:
        raise_flag(inspection_id, kind, evidence, replace=True)
