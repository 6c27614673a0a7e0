"""An audit event committed on its own, for requests that only read (exports are GETs).

`app.accounts.audit.record` adds the event to the request's session, to commit with the change it
describes. A GET has no change and, on SQLite, runs in a deferred read transaction
(app/db.py); writing the event there would upgrade that read lock to a write lock in the middle
of a request, which SQLite refuses at once ("database is locked") when another connection holds
the write lock, whatever the busy timeout. So the event is written on a connection of its own,
in a short `BEGIN IMMEDIATE` transaction that waits its turn like any writer, and the request's
read transaction is left alone.
"""

from app.accounts.audit import event_values
from app.db import write_intent
from app.extensions import db
from app.models import AuditEvent


def record_apart(action: str, obj_key: tuple[str, str | None], **details) -> None:
    """Commit one audit event now, outside the request's transaction."""
    values = event_values(action, obj_key, **details)
    outer = write_intent.set(True)  # this connection's BEGIN takes the write lock at once
    try:
        with db.engine.begin() as connection:
            connection.execute(AuditEvent.__table__.insert().values(**values))
    finally:
        write_intent.reset(outer)
