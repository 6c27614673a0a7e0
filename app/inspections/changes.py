"""Changing a stored inspection: edit, review, soft delete, restore; each one audited.

Who may touch which inspection (the object-level half of the policy; the role-level half is
`@allow` on the route): everyone only inside their scope (app/accounts/policy.py: a township role's
township, a county admin's county, or everything), and an inspector only their own inspections.
`find_inspection` answers None for what the caller must not know exists, so the views answer 404
for a missing, deleted or out-of-scope inspection alike.

Nothing is lost: an edit adds an InspectionRevision (the whole validated payload) and replaces the
current answers; a delete only stamps deleted_at/by/reason. Callers commit.
"""

from app.accounts.audit import record
from app.accounts.policy import in_scope
from app.clock import utc_now
from app.extensions import db
from app.formdefs import FormSet
from app.formdefs.coefficients import editions_recorded
from app.formdefs.publication import ensure_published
from app.inspections.estimates import estimate_inspection
from app.inspections.gps_checks import recheck_flags
from app.inspections.integrity.submission import recheck_after_edit
from app.inspections.review import (
    TransitionRefused,
    check_not_own,
    check_unlocked,
    next_status,
    status_after_edit,
)
from app.inspections.store import OutOfScope, VillageNotFound, answer_rows, canonical, content_hash
from app.models import Inspection, InspectionRevision, User, Village
from app.periods import quarter_of
from app.settings import with_count_basis


class NotYours(Exception):
    """In scope, but not this person's to change (answered as 403)."""


class ChangedSinceSeen(Exception):
    """A decision made on a revision that is no longer the current one (answered as 409)."""

    def __init__(self, inspection: Inspection, seen: int):
        super().__init__(f"revision {seen} was seen; {len(inspection.revisions)} is current")
        self.inspection, self.seen = inspection, seen


def lock_current(inspection: Inspection, action: str) -> None:
    """Take the row's lock and read its state again before judging a change.

    Every state change (edit, approve, return, reopen, delete, restore) comes through here, so
    two of them on one inspection are decided one after the other on what the first left:
    PostgreSQL's SELECT … FOR UPDATE makes the second wait; SQLite's one writer already does
    (app/db.py begins writes immediately). A deleted inspection takes no step but restore."""
    db.session.refresh(inspection, with_for_update=True)
    if inspection.deleted_at is not None and action != "restore":
        raise TransitionRefused(action, "deleted")


def live():
    """The filter every read and roll-up of inspections adds: deleted ones are not counted."""
    return Inspection.deleted_at.is_(None)


def revision_authors(inspection: Inspection) -> set[int]:
    """Everyone who stored a version of its figures (the inspector, and whoever edited it)."""
    return {revision.author_id for revision in inspection.revisions}


def find_inspection(actor: User, inspection_id: int, include_deleted=False) -> Inspection | None:
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None or not in_scope(actor, inspection.village.township):
        return None
    if inspection.deleted_at is not None and not include_deleted:
        return None
    return inspection


def check_may_change(actor: User, inspection: Inspection) -> None:
    """County admins change any inspection (of their scope: find_inspection); an inspector
    only their own."""
    if actor.role == "county_admin":
        return
    if actor.role != "inspector" or inspection.inspector_id != actor.id:
        raise NotYours()


def edit_inspection(inspection: Inspection, data: dict, actor: User, form_set: FormSet) -> bool:
    """Make `data` (validated by the inspection schema) the current content; False if unchanged."""
    check_may_change(actor, inspection)
    new_status = status_after_edit(inspection.status)
    if str(data["client_uuid"]) != str(inspection.client_uuid):
        raise ValueError("client_uuid")
    payload = canonical(data)
    digest = content_hash(payload)
    if digest == inspection.content_hash:
        return False
    village = db.session.execute(
        db.select(Village).where(Village.code == data["village_code"])
    ).scalar_one_or_none()
    if village is None:
        raise VillageNotFound(data["village_code"])
    if not in_scope(actor, village.township):
        raise OutOfScope(village.code)

    before = inspection.revisions[-1].payload if inspection.revisions else None
    # Worked out before anything changes: an estimate that breaks a rule refuses the edit.
    counted = with_count_basis(data, form_set)
    recorded = editions_recorded([a.coefficients for a in inspection.answers])
    estimates = estimate_inspection(counted, form_set, keep_editions=recorded)
    now = utc_now()
    location = data.get("location") or {}
    place_before = (inspection.village_id, inspection.lat, inspection.lon)
    inspection.village_id, inspection.inspected_on = village.id, data["inspected_on"]
    inspection.quarter, inspection.year = (
        quarter_of(data["inspected_on"]),
        data["inspected_on"].year,
    )
    inspection.notes = data.get("notes") or ""
    inspection.lat, inspection.lon = location.get("lat"), location.get("lon")
    inspection.accuracy_m = location.get("accuracy_m")
    if (inspection.village_id, inspection.lat, inspection.lon) != place_before:
        recheck_flags(inspection, village)  # a moved or removed fix is judged again
    ensure_published(form_set)
    inspection.content_hash, inspection.form_versions = digest, form_set.versions
    inspection.updated_at, inspection.status = now, new_status
    # Old answers go first: the unit of work would insert the new ones before deleting the old,
    # which the (inspection, section, field) unique key refuses.
    inspection.answers.clear()
    db.session.flush()
    inspection.answers = list(answer_rows(counted, form_set, estimates))
    recheck_after_edit(inspection)  # copied answers and old photos, on what it now says
    number = len(inspection.revisions) + 1
    inspection.revisions.append(
        InspectionRevision(number=number, payload=payload, author_id=actor.id, created_at=now)
    )
    record(
        "inspection.edit",
        inspection,
        revision=number,
        status=new_status,
        changed=changed_paths(before or {}, payload),
    )
    return True


def review_inspection(
    inspection: Inspection,
    action: str,
    actor: User,
    comment: str = "",
    seen_revision: int | None = None,
) -> None:
    """approve / return / reopen. Returning needs a comment; the schema checks that. Nobody
    approves or returns an inspection they entered or edited (OwnInspection). `seen_revision`,
    the revision the reviewer looked at, must still be the current one (ChangedSinceSeen)."""
    lock_current(inspection, action)  # the authors are read after it: an edit can't slip by
    check_not_own(action, inspection.inspector_id, revision_authors(inspection), actor.id)
    if seen_revision is not None and seen_revision != len(inspection.revisions):
        raise ChangedSinceSeen(inspection, seen_revision)
    before = inspection.status
    inspection.status = next_status(action, before)
    inspection.reviewed_by_id, inspection.reviewed_at = actor.id, utc_now()
    inspection.review_comment = comment or None
    record(
        f"inspection.{action}",
        inspection,
        status_from=before,
        status_to=inspection.status,
        comment=comment or None,
    )


def delete_inspection(inspection: Inspection, actor: User, reason: str) -> None:
    if actor.role == "inspector":
        check_may_change(actor, inspection)
    lock_current(inspection, "delete")
    # An approved inspection is not withdrawn, by anyone, until a county admin reopens it.
    check_unlocked("delete", inspection.status)
    inspection.deleted_at, inspection.deleted_by_id = utc_now(), actor.id
    inspection.delete_reason = reason
    record("inspection.delete", inspection, reason=reason)


def restore_inspection(inspection: Inspection, actor: User) -> None:
    lock_current(inspection, "restore")
    if inspection.deleted_at is None:
        raise TransitionRefused("restore", inspection.status)
    record(
        "inspection.restore",
        inspection,
        reason_was=inspection.delete_reason,
        deleted_by=inspection.deleted_by.username if inspection.deleted_by else None,
    )
    inspection.deleted_at = inspection.deleted_by_id = inspection.delete_reason = None


def changed_paths(before: dict, after: dict, prefix: str = "") -> dict:
    """{"sections.straw.feed_t": [old, new], ...} for every value that differs."""
    out = {}
    for key in sorted(set(before) | set(after)):
        path = f"{prefix}{key}"
        old, new = before.get(key), after.get(key)
        if isinstance(old, dict) or isinstance(new, dict):
            out.update(changed_paths(old or {}, new or {}, path + "."))
        elif old != new:
            out[path] = [old, new]
    return out
