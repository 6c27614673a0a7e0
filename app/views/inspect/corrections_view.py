"""What the correction form needs beyond the answers: which inspection and revision it edits (so
the phone's queue keeps an edit an edit, and the server can tell a stale one), the sections that
have stored answers (each gets an explicit "remove" box), and, after a stale save, the fields on
which the stored version and the inspector's differ, both shown."""

from app.formdefs.display import answer_text
from app.formdefs.messages import ENVELOPE_LABELS
from app.formdefs.registry import current_forms
from app.i18n import current_lang
from app.inspections.changes import changed_paths
from app.inspections.corrections import StaleRevision
from app.models import Inspection


def editing_of(inspection: Inspection, stale: StaleRevision | None = None) -> dict:
    current = inspection.revisions[-1]
    stored_sections = set((current.payload.get("sections") or {}).keys())
    out = {
        "id": inspection.id,
        "client_uuid": str(inspection.client_uuid),
        "revision": current.number,  # a stale save's page is based on the stored one now
        "stored_sections": stored_sections,
        "stale": None,
    }
    if stale is not None:
        out["stale"] = differences(current.payload, stale.yours)
    return out


def differences(stored: dict, yours: dict) -> list[dict]:
    """[{path, label, stored, yours}] for each value that differs, in the page's language."""
    form_set, lang = current_forms().form_set, current_lang()
    rows = []
    for path, (old, new) in changed_paths(stored, yours).items():
        field = _field(form_set, path.split("."))
        if field is not None:
            label = field.label[lang]
            old, new = answer_text(field, old, lang), answer_text(field, new, lang)
        else:
            last = path.rsplit(".", 1)[-1]
            label = ENVELOPE_LABELS.get(last, {}).get(lang, path)
            old, new = ("—" if v in (None, "") else str(v) for v in (old, new))
        rows.append({"path": path, "label": label, "stored": old, "yours": new})
    return rows


def _field(form_set, parts: list[str]):
    if parts[0] == "sections" and len(parts) == 3:
        path = f"{parts[1]}.{parts[2]}"
    elif len(parts) == 1:
        path = f"{form_set.profile.form_id}.{parts[0]}"
    else:
        return None
    try:
        return form_set.field_at(path)
    except ValueError:
        return None
