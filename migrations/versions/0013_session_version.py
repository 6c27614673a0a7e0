"""users: session_version (revocable sessions), must_change_password, last_login_at

Revision ID: 0013_session_version
Revises: 0012_summary_definitions
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_session_version"
down_revision = "0012_summary_definitions"
branch_labels = None
depends_on = None


def upgrade():
    # Existing sessions carry no version and are refused once: everyone signs in again.
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="1")
        )
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch.add_column(sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_login_at")
        batch.drop_column("must_change_password")
        batch.drop_column("session_version")
