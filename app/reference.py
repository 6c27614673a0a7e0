"""Reference data read once per change, not once per request: units' kinds and zones, targets
and their paths, settings (everything the triggers of app/models/reference_marker.py watch).

`cached(key, compute)` answers `compute()` as of the database's current reference token. The
token is read with one primary-key statement per transaction (remembered on the session until
the transaction ends or the session flushes a change to a watched table, so a request that
changes a target and reads it back sees its own change); the values are kept per app (so per
gunicorn worker) in a dict keyed by the token. A change anywhere, by any worker or process,
gives a new token, and the next read misses and recomputes: never a stale answer.

The order matters on PostgreSQL, where each statement sees the latest commit: the token is read
BEFORE the values, so values cached under a token are at least as new as it. Reading them first
could store an older answer under a newer token.

Without the marker row (a schema made before migration 0023 or emptied by hand) nothing is
cached: every call computes, and the app logs it once.
"""

from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models.reference_marker import WATCHED, ReferenceMarker

TOKEN = "reference.token"  # session.info key: the token read in this transaction
MEMO = "reference.memo"  # session.info key: `memo`'s values, for this transaction
NO_MARKER = ""  # session.info[TOKEN] when the marker has no row (never a real token)
KEEP_TOKENS = 2  # tokens' values kept (the new one, and the last for requests still using it)
MAX_VALUES = 4096  # per token: keys include dates (targets per day), so bound the memory
_lock = Lock()


def cached(key: Hashable, compute: Callable[[], Any]) -> Any:
    """compute() as of the current reference data, from the app's cache when it holds it.
    Callers must not mutate what they get: it is shared with every later request."""
    token = current_token()
    if token is None:
        return compute()
    store = _store()
    values = store.get(token)
    if values is not None and key in values:
        return values[key]
    value = compute()
    with _lock:
        if token not in store:
            while len(store) >= KEEP_TOKENS:
                store.pop(next(iter(store)))
            store[token] = {}
        if len(store[token]) >= MAX_VALUES:
            store[token].clear()
        store[token][key] = value
    return value


def memo(key: Hashable, compute: Callable[[], Any]) -> Any:
    """compute() once per transaction for `key`: forgotten when the transaction ends and at
    every flush or ORM write (so never across a change it could have missed). For the reads
    one request repeats (a county page rolls the same rows up three ways); shared, do not
    mutate."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.info.pop(MEMO, None)  # unflushed changes: read again (the read flushes them)
    values = session.info.setdefault(MEMO, {})
    if key not in values:
        values[key] = compute()
    return values[key]


def current_token() -> str | None:
    session = db.session()
    token = session.info.get(TOKEN)
    if token is not None and _changes_watched(session):
        token = None  # an unflushed change: the select below flushes it and sees the new token
    if token is None:
        token = session.execute(select(ReferenceMarker.token).where(ReferenceMarker.id == 1))
        token = session.info[TOKEN] = token.scalar() or NO_MARKER
        if token == NO_MARKER:
            _warn_once()
    return token or None


def _warn_once() -> None:
    """No marker row: say so once per app, for nothing is cached and every read is slower
    (the rows' absence is remembered per transaction like a token, so it costs one statement
    per transaction, not one per cached value)."""
    if not current_app.extensions.get("reference_marker_missing"):
        current_app.extensions["reference_marker_missing"] = True
        current_app.logger.warning(
            "reference_marker has no row: reference data is read uncached (migration 0023)"
        )


def _store() -> dict:
    return current_app.extensions.setdefault("reference_cache", {})


def install() -> None:
    """Forget the remembered token when a transaction ends or writes a watched table (once
    per process)."""
    if event.contains(Session, "after_transaction_end", _transaction_ended):
        return
    event.listen(Session, "after_transaction_end", _transaction_ended)
    event.listen(Session, "after_flush", _flushed)
    event.listen(Session, "do_orm_execute", _executed)


def _transaction_ended(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(TOKEN, None)
        session.info.pop(MEMO, None)


def _flushed(session, _context) -> None:
    session.info.pop(MEMO, None)
    if _changes_watched(session):
        session.info.pop(TOKEN, None)


def _changes_watched(session) -> bool:
    return any(
        getattr(obj, "__tablename__", None) in WATCHED
        for obj in (*session.new, *session.dirty, *session.deleted)
    )


def _executed(state) -> None:
    if not state.is_select:  # an ORM-enabled UPDATE or DELETE may touch a watched table
        state.session.info.pop(TOKEN, None)
        state.session.info.pop(MEMO, None)
