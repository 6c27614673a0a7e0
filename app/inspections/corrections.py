"""A correction is an edit of the inspection it corrects, never a second inspection.

The API's PUT, the web form at /inspect/edit/<id>, the phone's queue (which sends a PUT) and a
rescue file all come here. Two keys may ride along with the inspection body; they are not part
of the inspection, so they are taken off before the inspection schema (which refuses unknown
keys) sees it:

- `base_revision`: the revision the correction was made from. If the inspection has changed
  since (someone else edited it), the correction is refused as stale (StaleRevision, answered
  409 with both versions), unless the very same content was already stored after that base: a
  retry whose answer was lost is answered as stored. Without it, the body replaces the
  inspection as it always did (the API stays backwards-compatible).
- `remove_sections`: the sections the inspector explicitly chose to remove.

With a base revision (and always from the web form) a section missing from the body is
*unchanged*: its answers are kept as they were in the base revision. A section is removed only
when it is listed in `remove_sections`, so a correction never silently drops what it did not
touch. The envelope (date, households, location, notes) is always taken whole from the body,
but for the phone's opened/saved times, which the base revision keeps when the body has none.
"""

from dataclasses import dataclass

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from app.formdefs import FormSet
from app.inspections.changes import edit_inspection, lock_current
from app.inspections.merge import Merge, three_way
from app.inspections.review import status_after_edit
from app.inspections.store import canonical, content_hash
from app.models import Inspection, User

CORRECTION_KEYS = ("base_revision", "remove_sections")
PHONE_TIMES = ("opened_at", "saved_at")  # when the form was first opened and saved (issue 24)
MESSAGES = {
    "base": {"zh": "基础版本号无效", "en": "Not a revision of this inspection"},
    "both": {
        "zh": "同一部分不能既提交又删除",
        "en": "A section cannot be both sent and removed",
    },
    "stale": {
        "zh": "此检查在您修改期间已被他人更改：请对比两个版本后再保存",
        "en": "Someone else changed this inspection meanwhile: compare both versions, then save",
    },
}


class StaleRevision(Exception):
    """The correction was made from an older revision than the stored one. `merge` is the
    three-way merge of base, stored and yours (app/inspections/merge.py)."""

    def __init__(self, inspection: Inspection, base: int, yours: dict, merge: Merge):
        super().__init__(f"inspection {inspection.id}: base revision {base} is stale")
        self.inspection, self.base, self.yours, self.merge = inspection, base, yours, merge


@dataclass(frozen=True)
class Correction:
    body: dict  # the inspection body, without the correction keys
    base_revision: int | None
    remove_sections: tuple[str, ...]


def _keys_schema(form_set: FormSet) -> Schema:
    sections = [s.form_id for s in form_set.sections]
    return Schema.from_dict(
        {
            "base_revision": fields.Integer(strict=True, allow_none=True, load_default=None),
            "remove_sections": fields.List(
                fields.String(validate=validate.OneOf(sections)), load_default=list
            ),
        }
    )(unknown=RAISE)


def split_correction(raw, form_set: FormSet) -> Correction:
    """The body and the correction keys of a PUT (or a rescue entry); ValidationError for bad
    keys."""
    if not isinstance(raw, dict):
        return Correction(raw, None, ())
    body = {k: v for k, v in raw.items() if k not in CORRECTION_KEYS}
    keys = _keys_schema(form_set).load({k: raw[k] for k in CORRECTION_KEYS if k in raw})
    return Correction(body, keys["base_revision"], tuple(keys["remove_sections"]))


def merged_body(inspection: Inspection, correction: Correction, lang: str) -> dict:
    """The body with the base revision's untouched sections put back (removed ones left out)."""
    body = dict(correction.body)
    sent = body.get("sections", {})  # no sections at all: every one unchanged
    if not isinstance(sent, dict):
        return body  # the schema reports it
    both = sorted(set(sent) & set(correction.remove_sections))
    if both:
        raise ValidationError({f"sections.{s}": [MESSAGES["both"][lang]] for s in both})
    base = correction.base_revision or len(inspection.revisions)
    base_payload = inspection.revisions[base - 1].payload
    for key in PHONE_TIMES:  # the first entry's times stay its own: a correction is not timed
        if key not in body and key in base_payload:
            body[key] = base_payload[key]
    stored = base_payload.get("sections") or {}
    kept = {
        s: answers
        for s, answers in stored.items()
        if s not in sent and s not in correction.remove_sections
    }
    body["sections"] = {**kept, **sent}
    return body


def apply_correction(
    inspection: Inspection,
    correction: Correction,
    actor: User,
    form_set: FormSet,
    schema: Schema,
    *,
    keep_untouched: bool,
    lang: str,
    choices: dict[str, str] | None = None,
    merged_against: int | None = None,
) -> bool:
    """Edit `inspection` with `correction` (validated by `schema`); False when nothing changed
    (or it was stored before). Raises TransitionRefused, StaleRevision, ValidationError, and
    what edit_inspection raises. The caller commits.

    A stale correction is merged with what was stored since its base (app/inspections/merge.py).
    Without `choices` it is refused (StaleRevision, carrying the merge) so the person first sees
    who changed what; with `choices` (the page's answers about the fields both changed: "theirs"
    or "mine") the merge is stored once no conflict is left unsettled, and only if nothing was
    stored since the page showed it (`merged_against`, the revision it was made against)."""
    # The row is locked (PostgreSQL; SQLite's writer is one already) before its revision is
    # judged, so two corrections from the same base cannot both pass as current.
    lock_current(inspection, "edit")
    status_after_edit(inspection.status)  # an approved inspection is frozen, stale or not
    current = len(inspection.revisions)
    base = correction.base_revision
    if base is not None and not 1 <= base <= current:
        raise ValidationError({"base_revision": [MESSAGES["base"][lang]]})
    body = correction.body
    if keep_untouched or base is not None:
        body = merged_body(inspection, correction, lang)
    data = schema.load(body)
    if base is not None and base != current:
        yours = canonical(data)
        digest = content_hash(yours)
        if any(content_hash(r.payload) == digest for r in inspection.revisions[base:]):
            return False  # this correction was stored already; its answer was lost
        stored = inspection.revisions[-1].payload
        merge = three_way(inspection.revisions[base - 1].payload, stored, yours, choices)
        if choices is None or merge.conflicts or merged_against != current:
            raise StaleRevision(inspection, base, yours, merge)
        data = schema.load(merge.merged)  # the merged answers obey every rule, or are refused
    return edit_inspection(inspection, data, actor, form_set)
