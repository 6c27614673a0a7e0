"""summary_state.definitions: the fingerprint of the indicator definitions the roll-up summary
was built from; a summary built from other definitions is not read

Revision ID: 0012_summary_definitions
Revises: 0011_published_forms
"""
import sqlalchemy as sa
from alembic import op


revision = "0012_summary_definitions"
down_revision = "0011_published_forms"
branch_labels = None
depends_on = None


def upgrade():
    # No fingerprint on an existing row: a summary that is on reads as out of date (the answers
    # are read, right but slower) until `flask rebuild-summary` records what it was built from.
    with op.batch_alter_table("summary_state") as batch:
        batch.add_column(sa.Column("definitions", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("summary_state") as batch:
        batch.drop_column("definitions")
