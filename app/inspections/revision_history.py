"""What each revision of an inspection changed, as a reviewer reads it: who, when, and for every
field its label with the old and the new answer (`户数: 463 户 → 593 户`).

Pure: takes the revisions' payloads (the validated submissions, as stored) and the form set;
the review page and the stale-edit page show the result. Keys outside the forms (the envelope:
date, village, location, notes) take their labels from app/formdefs/messages.py.
"""

from dataclasses import dataclass
from datetime import datetime

from app.formdefs import FormSet
from app.formdefs.display import answer_text
from app.formdefs.loader import PROFILE
from app.formdefs.messages import ENVELOPE_LABELS
from app.inspections.merge import UNCOMPARED, flatten


@dataclass(frozen=True)
class FieldChange:
    path: str  # "sections.sewage.households_treated", "households", "notes"
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class RevisionEntry:
    number: int
    author: str
    created_at: datetime
    changes: tuple[FieldChange, ...]  # empty for the first revision (it entered everything)


def label_of(path: str, form_set: FormSet, lang: str) -> str:
    field = _field(path, form_set)
    if field is not None:
        section = form_set.by_id[field.section].title[lang]
        return f"{section} · {field.label[lang]}" if field.section != PROFILE else field.label[lang]
    return ENVELOPE_LABELS.get(path.rsplit(".", 1)[-1], {}).get(lang, path)


def value_text(path: str, value, form_set: FormSet, lang: str) -> str:
    field = _field(path, form_set)
    if field is not None:
        return answer_text(field, value, lang)
    return "—" if value is None or value == "" else str(value)


def field_changes(
    before: dict, after: dict, form_set: FormSet, lang: str
) -> tuple[FieldChange, ...]:
    """Every answer that differs between two payloads, in the forms' order."""
    old, new = flatten(before), flatten(after)
    paths = [
        p
        for p in _ordered(set(old) | set(new), form_set)
        if old.get(p) != new.get(p) and p not in UNCOMPARED
    ]
    return tuple(
        FieldChange(
            p,
            label_of(p, form_set, lang),
            value_text(p, old.get(p), form_set, lang),
            value_text(p, new.get(p), form_set, lang),
        )
        for p in paths
    )


def revision_history(revisions, form_set: FormSet, lang: str) -> list[RevisionEntry]:
    """One entry per revision (objects with number, payload, author, created_at), oldest first."""
    entries, before = [], None
    for revision in revisions:
        author = revision.author
        changes = () if before is None else field_changes(before, revision.payload, form_set, lang)
        entries.append(
            RevisionEntry(
                revision.number,
                (author.display_name or author.username) if author else "—",
                revision.created_at,
                changes,
            )
        )
        before = revision.payload
    return entries


def _field(path: str, form_set: FormSet):
    parts = path.split(".")
    if len(parts) == 3 and parts[0] == "sections" and parts[1] in form_set.by_id:
        key = f"{parts[1]}.{parts[2]}"
    elif len(parts) == 1:
        key = f"{PROFILE}.{parts[0]}"
    else:
        return None
    try:
        return form_set.field_at(key)
    except ValueError:
        return None


def _ordered(paths: set[str], form_set: FormSet) -> list[str]:
    """The forms' order (profile, then each section's fields), then the envelope's keys."""
    order = {}
    for form in form_set.forms:
        for field in form.fields:
            path = field.key if form.form_id == PROFILE else f"sections.{form.form_id}.{field.key}"
            order[path] = len(order)
    return sorted(paths, key=lambda p: (order.get(p, len(order)), p))
