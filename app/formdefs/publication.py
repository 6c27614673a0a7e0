"""Form versions are immutable: one (form, version) means one definition, forever.

An inspection records the versions it was filled in with (`form_versions`). If a county edited
forms/sewage.json and kept its `settings.version`, old and new inspections would claim the same
form while answering different questions, and nobody could tell (ODK Central refuses this for
the same reason). So the first write of each process records the loaded definitions in
`published_forms`, in the write's own transaction, and compares: a known version whose content
differs is refused loudly (503 on the web, a failing `flask seed` at deploy time) until the
county gives the edited form a new version. Rows are only added, so every definition an
inspection was made with stays readable.

The check runs once per process and form set: after its transaction commits, the process
remembers it (a rolled-back first write leaves nothing remembered, so the next write checks
again).
"""

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from werkzeug.exceptions import ServiceUnavailable

from app.clock import utc_now
from app.extensions import db
from app.formdefs import FormSet
from app.models import PublishedForm

CHECKED = "cunjian.forms.published"  # app.extensions key: {the form set's (id, version, sha)}


class FormVersionConflict(ServiceUnavailable):
    """A form's content changed but its version did not: nothing may be stored under it."""

    def __init__(self, form_ids: list[str]):
        self.form_ids = form_ids
        super().__init__(
            f"form(s) {', '.join(form_ids)} changed without a new settings.version; "
            "give each a new version in forms/ and restart"
        )


def publish(session, form_set: FormSet) -> list[str]:
    """Record every form version not yet known (in `session`'s transaction) and return their
    ids; raise FormVersionConflict if a known version's definition differs."""
    rows = [
        {
            "form_id": form.form_id,
            "version": form.version,
            "sha256": form.sha256,
            "definition": form.definition,
            "published_at": utc_now(),
        }
        for form in form_set.forms
    ]
    known = _published(session, [r["form_id"] for r in rows])
    conflicts = [
        r["form_id"]
        for r in rows
        if known.get((r["form_id"], r["version"]), r["sha256"]) != r["sha256"]
    ]
    if conflicts:
        current_app.logger.error("form versions changed in place: %s", conflicts)
        raise FormVersionConflict(conflicts)
    new = [r for r in rows if (r["form_id"], r["version"]) not in known]
    if new:
        # Two workers may publish at once; the loser's rows are the winner's, so skip them and
        # compare again below.
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(PublishedForm).values(new).on_conflict_do_nothing())
        stored = _published(session, [r["form_id"] for r in new])
        conflicts = [r["form_id"] for r in new if stored[r["form_id"], r["version"]] != r["sha256"]]
        if conflicts:
            raise FormVersionConflict(conflicts)
    return [r["form_id"] for r in new]


def _published(session, form_ids) -> dict[tuple[str, str], str]:
    query = select(PublishedForm.form_id, PublishedForm.version, PublishedForm.sha256)
    rows = session.execute(query.where(PublishedForm.form_id.in_(form_ids)))
    return {(form_id, version): sha for form_id, version, sha in rows}


def ensure_published(form_set: FormSet) -> None:
    """Before a write that records `form_set.versions`: publish them unless this process
    already has, committed."""
    checked = current_app.extensions.setdefault(CHECKED, set())
    key = frozenset((f.form_id, f.version, f.sha256) for f in form_set.forms)
    if key in checked:
        return
    session = db.session()
    publish(session, form_set)
    event.listen(session, "after_commit", lambda _s: checked.add(key), once=True)
