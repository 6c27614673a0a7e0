"""roll-up summary sums per township and county, and the stored on/off state of the summary
(starts off and empty: `flask --app wsgi rebuild-summary` switches it on)

Revision ID: 0010_area_summary
Revises: 0009_user_county
"""
import sqlalchemy as sa
from alembic import op


revision = "0010_area_summary"
down_revision = "0009_user_county"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "area_quarter_figures",
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("approved_only", sa.Boolean(), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(length=16), nullable=False),
        sa.Column("numerator", sa.Float(), nullable=False),
        sa.Column("denominator", sa.Float(), nullable=False),
        sa.Column("villages", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "level IN ('township', 'county')", name=op.f("ck_area_quarter_figures_level")
        ),
        sa.PrimaryKeyConstraint(
            "level", "quarter", "approved_only", "indicator", "area_id", "zone",
            name=op.f("pk_area_quarter_figures"),
            postgresql_include=["numerator", "denominator", "villages"],
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "area_villages",
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(length=16), nullable=False),
        sa.Column("villages", sa.Integer(), nullable=False),
        sa.CheckConstraint("level IN ('township', 'county')", name=op.f("ck_area_villages_level")),
        sa.PrimaryKeyConstraint("level", "area_id", "zone", name=op.f("pk_area_villages")),
    )
    op.create_table(
        "summary_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_summary_state_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_state")),
    )
    # Writers lock this row (app/rollups/summary/state.py), so it is always there. Off: until now the
    # summary was kept whatever ROLLUP_SOURCE said, but nothing says it was ever rebuilt.
    op.execute("INSERT INTO summary_state (id, enabled) VALUES (1, false)")
    op.execute("DELETE FROM village_quarter_figures")


def downgrade():
    op.drop_table("summary_state")
    op.drop_table("area_villages")
    op.drop_table("area_quarter_figures")
