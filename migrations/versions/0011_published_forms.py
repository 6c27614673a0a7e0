"""published form versions: one definition per (form, version), kept forever

Revision ID: 0011_published_forms
Revises: 0010_area_summary
"""
import sqlalchemy as sa
from alembic import op


revision = "0011_published_forms"
down_revision = "0010_area_summary"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "published_forms",
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("form_id", "version", name=op.f("pk_published_forms")),
    )


def downgrade():
    op.drop_table("published_forms")
