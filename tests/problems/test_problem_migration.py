"""The migrated database keeps the ledger's steps append-only, as audit_events: triggers refuse
UPDATE and DELETE on both engines and TRUNCATE on PostgreSQL (issue 25, finding 10); the app's
guard refuses a changed event before it is flushed."""

import uuid
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.models import ProblemEvent, Township, User
from app.problems.service import EventImmutable, record_problem
from tests.house.test_migrations import empty_database, migrated_app  # noqa: F401 (fixtures)


def test_problem_events_cannot_be_rewritten_in_the_migrated_database(migrated_app):  # noqa: F811
    assert migrated_app.test_cli_runner().invoke(args=["seed"]).exit_code == 0
    with migrated_app.app_context():
        township = db.session.execute(
            db.select(Township).where(Township.code == "140225101")
        ).scalar_one()
        user = User(username="insp", role="inspector", township=township, password_hash="x")
        db.session.add(user)
        db.session.flush()
        data = {
            "client_uuid": uuid.uuid4(),
            "village_code": township.villages[0].code,
            "category": "straw_burning",
            "description": "秸秆焚烧",
        }
        record_problem(data, user, date(2026, 11, 28))
        db.session.commit()
        row = db.session.execute(db.select(ProblemEvent)).scalar_one()
        row.note = "rewritten"
        with pytest.raises(EventImmutable):
            db.session.flush()
        db.session.rollback()
        statements = ["UPDATE problem_events SET note = 'x'", "DELETE FROM problem_events"]
        if db.engine.dialect.name == "postgresql":
            statements.append("TRUNCATE problem_events CASCADE")
        for statement in statements:
            with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
                connection.execute(text(statement))
        assert db.session.scalar(db.select(db.func.count()).select_from(ProblemEvent)) == 1
