"""What the correction form needs beyond the answers: which inspection and revision it edits (so
the phone's queue keeps an edit an edit, and the server can tell a stale one), the sections that
have stored answers (each gets an explicit "remove" box), and, after a stale save, the merge
(app/inspections/merge.py): who changed what and when since the inspector's base revision, their
changes kept in the form, and only the fields both changed asked about (theirs or mine, each)."""

from app.clock import county_time
from app.formdefs.registry import current_forms
from app.i18n import current_lang
from app.inspections.merge import Merge, flatten
from app.inspections.revision_history import label_of, revision_history, value_text
from app.models import Inspection

RESOLVE_PREFIX = "resolve."


def editing_of(inspection: Inspection, merge: Merge | None = None, base: int | None = None) -> dict:
    current = inspection.revisions[-1]
    stored_sections = set((current.payload.get("sections") or {}).keys())
    out = {
        "id": inspection.id,
        "client_uuid": str(inspection.client_uuid),
        "revision": current.number,
        "stored_sections": stored_sections,
        "stale": None,
        # what the reviewer asked to fix, while the inspection is (or was just) returned
        "comment": inspection.review_comment
        if inspection.status in ("returned", "resubmitted")
        else None,
    }
    if merge is not None and base is not None:
        # A stale save's page stays based on the inspector's base: saving it again merges again
        # (with the choices made), so a change stored meanwhile is never overwritten unseen.
        out["revision"] = base
        out["stale"] = stale_view(inspection, merge, base)
    return out


def stale_view(inspection: Inspection, merge: Merge, base: int) -> dict:
    """Their revisions since `base` (who, when, what), the fields of theirs kept, the conflicts."""
    form_set, lang = current_forms().form_set, current_lang()
    history = revision_history(inspection.revisions, form_set, lang)
    theirs, mine = flatten(inspection.revisions[-1].payload), flatten(merge.merged)
    return {
        "against": inspection.revisions[-1].number,  # the stored revision this merge is with
        "others": [
            {
                "number": r.number,
                "author": r.author,
                "at": county_time(r.created_at),
                "changes": r.changes,
            }
            for r in history
            if r.number > base
        ],
        "theirs_kept": [label_of(p, form_set, lang) for p in merge.theirs_kept],
        "conflicts": [
            {
                "path": p,
                "label": label_of(p, form_set, lang),
                "theirs": value_text(p, theirs.get(p), form_set, lang),
                "mine": value_text(p, mine.get(p), form_set, lang),
            }
            for p in merge.conflicts
        ],
    }


def merge_against(form) -> int | None:
    """The stored revision the stale page's merge was made against (None: an ordinary save)."""
    value = form.get("merging", "")
    return int(value) if value.isdigit() else None


def merge_choices(form) -> dict[str, str] | None:
    """The stale page's answers ({path: "theirs" | "mine"}); None for an ordinary save."""
    if merge_against(form) is None:
        return None
    return {
        key.removeprefix(RESOLVE_PREFIX): choice
        for key, choice in form.items()
        if key.startswith(RESOLVE_PREFIX)
    }
