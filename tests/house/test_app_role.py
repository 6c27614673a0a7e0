"""Run as the role `flask app-role-sql` describes, the app writes rows but cannot switch off the
append-only triggers or empty the audit log and the ledger (issue 25, finding 10)."""

import uuid

import pytest
from sqlalchemy.exc import DBAPIError

from app.db_roles import grant_statements
from app.extensions import db
from tests.house.test_migrations import empty_database, migrated_app  # noqa: F401 (fixtures)


def test_grants_give_rows_but_append_only_tables_no_update():
    statements = grant_statements('app"x', ["villages", "audit_events"])
    assert statements == [
        'GRANT USAGE ON SCHEMA public TO "app""x"',
        'GRANT SELECT, INSERT ON TABLE "audit_events" TO "app""x"',
        'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "villages" TO "app""x"',
        'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "app""x"',
    ]


def test_the_app_role_cannot_disable_triggers_or_truncate(migrated_app):  # noqa: F811
    with migrated_app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("roles and privileges are PostgreSQL's")
    role = f"cunjian_app_{uuid.uuid4().hex[:8]}"
    result = migrated_app.test_cli_runner().invoke(args=["app-role-sql", role])
    assert result.exit_code == 0, result.output
    grants = [line for line in result.output.splitlines() if line.startswith("GRANT")]
    assert 'GRANT SELECT, INSERT ON TABLE "problem_events" TO "' + role + '";' in grants
    with migrated_app.app_context(), db.engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE ROLE "{role}" NOLOGIN')
        try:
            for grant in grants:
                connection.exec_driver_sql(grant)
            connection.commit()
            connection.exec_driver_sql(f'SET ROLE "{role}"')
            connection.exec_driver_sql(
                "INSERT INTO audit_events (at, action, details) "
                "VALUES (CURRENT_TIMESTAMP, 'auth.login', '{}')"
            )
            refusals = {}
            for sql in (
                "ALTER TABLE audit_events DISABLE TRIGGER ALL",
                "ALTER TABLE problem_events DISABLE TRIGGER USER",
                "TRUNCATE audit_events",
                "DELETE FROM audit_events",
            ):
                connection.exec_driver_sql("SAVEPOINT attempt")
                with pytest.raises(DBAPIError) as refused:
                    connection.exec_driver_sql(sql)
                refusals[sql] = type(refused.value.orig).__name__
                connection.exec_driver_sql("ROLLBACK TO SAVEPOINT attempt")
            count = connection.exec_driver_sql("SELECT count(*) FROM audit_events").scalar()
            connection.rollback()
        finally:
            connection.exec_driver_sql("RESET ROLE")
            connection.exec_driver_sql(f'DROP OWNED BY "{role}"')
            connection.exec_driver_sql(f'DROP ROLE "{role}"')
            connection.commit()
    assert count == 1
    assert refusals == {
        "ALTER TABLE audit_events DISABLE TRIGGER ALL": "InsufficientPrivilege",
        "ALTER TABLE problem_events DISABLE TRIGGER USER": "InsufficientPrivilege",
        "TRUNCATE audit_events": "InsufficientPrivilege",
        "DELETE FROM audit_events": "InsufficientPrivilege",
    }
