"""The checks a newly stored inspection gets, in the transaction that stores it (after its rows
are written, before the commit): speed, copied answers, desk GPS. Its photos come later, each
judged as it arrives (photos.py)."""

from app.inspections.integrity.entry import check_copies, check_speed
from app.inspections.integrity.places import check_same_place


def check_new_inspection(inspection_id: int, values: dict, answers, form_set, code: str) -> None:
    """`values` are the inspection's column values as written, `answers` its AnswerValues."""
    sections = {a.section for a in answers if a.section != form_set.profile.form_id}
    check_speed(inspection_id, values["opened_at"], values["saved_at"], sections, form_set)
    check_copies(inspection_id, values["village_id"], values["quarter"], answers)
    if values["lat"] is not None:
        check_same_place(inspection_id, code)
