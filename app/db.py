"""Database engine behaviour that the ORM does not give by default.

SQLite is the embedded default, and several gunicorn workers write to one file. WAL lets readers
run beside a writer; busy_timeout makes a writer wait instead of failing; and `BEGIN IMMEDIATE`
takes the write lock when a write transaction starts. With plain deferred transactions two
workers can both read, then both try to upgrade to a write lock, and SQLite fails one at once
with "database is locked" whatever the busy timeout, because waiting could deadlock.

Reads (GET/HEAD/OPTIONS requests) keep deferred transactions so dashboards never queue behind
writers; everything else (POST, CLI commands, scripts) starts IMMEDIATE. pysqlite's own
transaction handling is switched off so that SQLAlchemy's begin event decides.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from flask import request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from app.file_modes import private_database_file

SQLITE_BUSY_TIMEOUT_MS = 10_000
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# True unless a read-only request says otherwise; CLI commands and scripts write.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        private_database_file(engine.url.database)  # 0600, before WAL files copy its mode
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


@contextmanager
def reads_before_writes():
    """Reads that precede a request's writes (who is asking), without SQLite's write lock.

    A POST's first statement used to be the token lookup, so BEGIN IMMEDIATE took the write lock
    there and held it while the body was validated: four workers then took turns for the whole
    request, and waiters slept in SQLite's busy handler. Here the lookup runs in a deferred read
    transaction that is ended (keeping what it loaded) before the writes begin their own
    BEGIN IMMEDIATE, so the lock covers only the writes. PostgreSQL needs none of this.
    """
    from app.extensions import db

    outer = write_intent.set(False)
    try:
        yield
    finally:
        write_intent.reset(outer)
    session = db.session()
    if write_intent.get() and session.in_transaction() and db.engine.dialect.name == "sqlite":
        session.expire_on_commit = False
        try:
            session.commit()  # nothing written: this only ends the read transaction
        finally:
            session.expire_on_commit = True


def init_app(app) -> None:
    from app.extensions import db

    with app.app_context():
        configure_engine(db.engine)

    @app.before_request
    def mark_read_only_requests():
        write_intent.set(request.method not in READ_ONLY_METHODS)

    @app.teardown_request
    def reset_write_intent(_exc):
        write_intent.set(True)

    # Before any blueprint adds its rules: every <int:...> in a URL is a row key.
    app.url_map.converters["int"] = RowIdConverter


class RowIdConverter(IntegerConverter):
    """`<int:...>` bounded to the ids a table can hold (PostgreSQL's int4, 2³¹ − 1).

    werkzeug's converter takes any number of digits, and a lookup of /inspections/99999999999
    then fails inside the database driver (a 500) instead of finding no row (a 404).
    """

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def end_read_transaction() -> None:
    """End the transaction a request's checks read in (nothing was written), keeping what it
    loaded, so that no lock and no snapshot is held through slow work (decoding a photo)."""
    from app.extensions import db

    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


# Writes through Core bypass the ORM events the roll-up summary listens to, so they note here
# the (village_id, quarter) they wrote, and the summary recomputes those at commit
# (app/rollups/summary/quarter.py). A key on the session, so a writer needs no import of the
# roll-ups above it.
WRITTEN_PLACES = "written_places"


def note_written_places(session, places) -> None:
    session.info.setdefault(WRITTEN_PLACES, set()).update(places)
