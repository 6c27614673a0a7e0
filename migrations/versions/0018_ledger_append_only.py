"""problem_events append-only in the database on both engines (issue 25, finding 10)

0016 refused UPDATE and DELETE on PostgreSQL only, and nothing refused TRUNCATE. SQLite gets the
row triggers audit_events has had since 0014; PostgreSQL gets the statement trigger for TRUNCATE.

Revision ID: 0018_ledger_append_only
Revises: 0017_coefficients
"""

from alembic import op

revision = "0018_ledger_append_only"
down_revision = "0017_coefficients"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER problem_events_no_truncate BEFORE TRUNCATE ON problem_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION problem_events_append_only();"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER problem_events_no_{verb.lower()} BEFORE {verb} ON problem_events "
            "BEGIN SELECT RAISE(ABORT, 'problem_events is append-only'); END;"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS problem_events_no_truncate ON problem_events;")
        return
    op.execute("DROP TRIGGER IF EXISTS problem_events_no_update;")
    op.execute("DROP TRIGGER IF EXISTS problem_events_no_delete;")
