"""Recording who did what, when, from where, and what changed.

Every part of the app calls `record(action, obj, **details)`; it adds one AuditEvent to the
current session, so the event commits (or rolls back) with the change it describes. The one
exception is the submission path, which inserts the values of `event_values` through Core with
the rows it describes (app/inspections/writes.py), in the same transaction. Nothing else writes
the table: no route updates or deletes an event, and `init_app` makes any flush that would do so
fail, so a bug cannot quietly rewrite history.

Actions in use (dot-separated, object first): auth.login, auth.login_failed, auth.throttled and
auth.throttled_total (app/accounts/throttle_audit.py), auth.password_check_failed, auth.token,
auth.revoke, inspection.create / edit / approve / return / reopen / delete / restore / reestimate,
photo.create, problem_photo.create, flag.clear, settings.change, target.change, village.locate,
boundary.upload, rescue.import, export (written apart from the request's transaction,
app/accounts/audit_apart.py) and user.password_change.
"""

from flask import Flask, g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.accounts.client_address import client_address
from app.clock import utc_now
from app.extensions import db
from app.models import AuditEvent


class AuditImmutable(Exception):
    pass


def record(action: str, obj=None, *, actor=None, **details) -> AuditEvent:
    """Add an audit event for `action` on `obj` (a model instance, or a (type, id) pair).

    The actor defaults to the request's `g.actor`; `details` must be JSON-serialisable (what
    changed: before/after values, a comment, a reason). The caller commits.
    """
    event_row = AuditEvent(**_event_values(action, _object_key(obj), actor, details))
    db.session.add(event_row)
    return event_row


def event_values(action: str, obj_key: tuple[str, str | None], *, actor=None, **details) -> dict:
    """The column values `record` would give an event on `obj_key` (type, id), for a caller
    that inserts it through Core with the row it describes (whose id may come from the same
    statement)."""
    return _event_values(action, obj_key, actor, details)


def _event_values(action: str, key: tuple, actor, details: dict) -> dict:
    if actor is None and has_request_context():
        actor = g.get("actor")
    return {
        "at": utc_now(),
        "action": action,
        "object_type": key[0],
        "object_id": key[1],
        "actor_id": getattr(actor, "id", None),
        "actor_name": details.pop("actor_name", None) or getattr(actor, "username", None),
        "ip": client_address(),
        "details": details,
    }


def _object_key(obj) -> tuple[str | None, str | None]:
    if obj is None:
        return None, None
    if isinstance(obj, tuple):
        kind, key = obj
        return kind, None if key is None else str(key)
    if getattr(obj, "id", None) is None:
        db.session.flush()  # a new row: its id is needed now
    return obj.__tablename__, str(obj.id)


def refuse_audit_rewrites(session, _flush_context, _instances):
    for row in list(session.dirty) + list(session.deleted):
        if isinstance(row, AuditEvent):
            raise AuditImmutable("audit events are never changed or deleted")


def init_app(_app: Flask) -> None:
    # One listener for the process, however many apps the tests build.
    if not event.contains(Session, "before_flush", refuse_audit_rewrites):
        event.listen(Session, "before_flush", refuse_audit_rewrites)
