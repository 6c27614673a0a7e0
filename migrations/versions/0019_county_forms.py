"""form versions a county publishes from a workbook (issue 22): origin and publisher

Revision ID: 0019_county_forms
Revises: 0018_ledger_append_only
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_county_forms"
down_revision = "0018_ledger_append_only"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("published_forms") as batch:
        batch.add_column(
            sa.Column("origin", sa.String(length=8), nullable=False, server_default="file")
        )
        batch.add_column(sa.Column("published_by", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("published_forms") as batch:
        batch.drop_column("published_by")
        batch.drop_column("origin")
