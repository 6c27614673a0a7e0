"""security review (issue 16): aggregated throttle refusals; the audit log refuses TRUNCATE on
PostgreSQL and UPDATE/DELETE on SQLite

Revision ID: 0014_security_review
Revises: 0013_session_version
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_security_review"
down_revision = "0013_session_version"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_refusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_refusals")),
        sa.UniqueConstraint("username", "ip", "window_start", name="uq_login_refusals_key"),
    )
    if op.get_bind().dialect.name == "postgresql":
        # The row trigger of 0003 does not fire for TRUNCATE; a statement trigger does.
        op.execute(
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events;")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update;")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete;")
    op.drop_table("login_refusals")
