"""An inspection as a plain document (the submitted shape plus what the server adds), for the
API schema and the pages alike."""

import json

from app.formdefs import FormSet
from app.inspections.integrity.evidence import flag_document
from app.inspections.store import Stored, answers_by_section
from app.models import Inspection


def inspection_document(inspection: Inspection, form_set: FormSet, with_flags=False) -> dict:
    """`with_flags`: the flags too, `[{kind, …evidence, cleared…}]`, for those who review them
    (the phone is told nothing of how the checks work beyond what it records)."""
    sections = answers_by_section(inspection.answers, form_set)
    document = _document(inspection, sections, len(inspection.revisions))
    document["basis"] = answer_bases(inspection.answers)
    if with_flags:
        document["flags"] = [flag_document(f) for f in inspection.flags]
    return document


def answer_bases(answers) -> dict:
    """section → field → {basis, coefficients, unverified} for the calculated fields: whether
    the figure was measured or estimated, and from which coefficient editions."""
    out: dict[str, dict] = {}
    for answer in answers:
        if getattr(answer, "basis", None) is None:
            continue
        used = json.loads(answer.coefficients) if answer.coefficients else []
        out.setdefault(answer.section, {})[answer.field] = {
            "basis": answer.basis,
            "coefficients": used,
            "unverified": any(c.get("unverified") for c in used),
        }
    return out


def stored_document(stored: Stored, form_set: FormSet) -> dict:
    """The answer to a submission. A new inspection's is made from the answers just written (and
    its one revision) without reading them back; a replay's from the database."""
    if stored.answers is None:
        return inspection_document(stored.row, form_set)
    document = _document(stored.row, answers_by_section(stored.answers, form_set), 1)
    return {**document, "basis": answer_bases(stored.answers)}


def _document(inspection: Inspection, sections: dict, revisions: int) -> dict:
    profile = sections.pop("profile", {})
    location = None
    if inspection.lat is not None and inspection.lon is not None:
        location = {
            "lat": inspection.lat,
            "lon": inspection.lon,
            "accuracy_m": inspection.accuracy_m,
        }
    return {
        "id": inspection.id,
        "client_uuid": str(inspection.client_uuid),
        "village_code": inspection.village.code,
        "village_name": inspection.village.name,
        "township_code": inspection.village.township.code,
        "inspector": inspection.inspector.username,
        "inspected_on": inspection.inspected_on,
        "quarter": inspection.quarter,
        "households": profile.get("households"),
        "location": location,
        "notes": inspection.notes,
        "sections": sections,
        "form_versions": inspection.form_versions,
        "revision": revisions,
        "status": inspection.status,
        "review_comment": inspection.review_comment,
        "reviewed_by": inspection.reviewed_by.username if inspection.reviewed_by else None,
        "reviewed_at": inspection.reviewed_at,
        "deleted": inspection.deleted_at is not None,
        "delete_reason": inspection.delete_reason,
        "created_at": inspection.created_at,
        "updated_at": inspection.updated_at,
    }
