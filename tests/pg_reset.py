"""Emptying the shared PostgreSQL test database between tests (and between module-scoped apps).

SQLite gets a fresh file per test; PostgreSQL keeps one set of tables for the session, so every
reset must leave it as create_all made it: all tables empty but the two one-row tables, whose row
the app relies on. `summary_state`'s row is what writers lock; `reference_marker`'s token is
what app/reference.py caches under: without it nothing is cached and every cached read costs a
statement more (the statement budgets then fail in whatever test module runs next, which is how
this was found: a module fixture's TRUNCATE of every table, tests/house/test_statement_budget.py
failing only after tests/sites). So the rows are kept, and made again if a test removed one.
"""

from sqlalchemy import create_engine, text

from app.extensions import db
from app.models.reference_marker import POSTGRESQL_TOKEN

ONE_ROW = frozenset({"summary_state", "reference_marker"})
RESTORE = (
    # as create_all and the migrations make them (a no-op when the row is there)
    "INSERT INTO summary_state (id, enabled) VALUES (1, false) ON CONFLICT (id) DO NOTHING",
    f"INSERT INTO reference_marker (id, token) VALUES (1, {POSTGRESQL_TOKEN}) "
    "ON CONFLICT (id) DO NOTHING",
    # the summary switched off as when made
    "UPDATE summary_state SET enabled = false, changed_at = NULL, definitions = NULL",
)


def empty_postgresql(url: str) -> None:
    """Every table emptied but the one-row tables, whose rows are as when made. Truncating the
    watched tables gives the marker a new token (its triggers), so no cache outlives a reset."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        tables = ", ".join(t.name for t in db.metadata.sorted_tables if t.name not in ONE_ROW)
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        for statement in RESTORE:
            connection.execute(text(statement))
    engine.dispose()
