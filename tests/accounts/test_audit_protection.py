"""The audit log cannot be emptied or rewritten in the database itself (issue 16, finding 9): on
a migrated PostgreSQL database TRUNCATE is refused as UPDATE and DELETE were; on a migrated
SQLite database triggers refuse UPDATE and DELETE."""

import pytest
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from tests.house.test_migrations import empty_database, migrated_app  # noqa: F401 (fixtures)

STATEMENTS = [
    "UPDATE audit_events SET action = 'nothing'",
    "DELETE FROM audit_events",
]


def test_the_migrated_audit_log_refuses_rewrites_and_truncate(migrated_app):  # noqa: F811
    with migrated_app.app_context():
        db.session.execute(
            db.text(
                "INSERT INTO audit_events (at, action, details) "
                "VALUES (CURRENT_TIMESTAMP, 'auth.login', '{}')"
            )
        )
        db.session.commit()
        statements = list(STATEMENTS)
        if db.engine.dialect.name == "postgresql":
            statements.append("TRUNCATE audit_events")
        for sql in statements:
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(db.text(sql))
            db.session.rollback()
        count = db.session.scalar(db.text("SELECT count(*) FROM audit_events"))
        action = db.session.scalar(db.text("SELECT action FROM audit_events"))
    assert (count, action) == (1, "auth.login")
