"""coefficients for field estimates (append-only editions) and the basis of calculated answers

Revision ID: 0017_coefficients
Revises: 0016_problems
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_coefficients"
down_revision = "0016_problems"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "coefficients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("label_zh", sa.Text(), nullable=False),
        sa.Column("label_en", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("grade", sa.String(length=2), nullable=False),
        sa.Column("unverified", sa.Boolean(), nullable=False),
        sa.Column("applies_from", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "set_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "grade IN ('A', 'B', 'C', 'D', 'U')", name=op.f("ck_coefficients_grade")
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["users.id"], name=op.f("fk_coefficients_set_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coefficients")),
        sa.UniqueConstraint("key", "applies_from", "set_at", name=op.f("uq_coefficients_edition")),
    )
    op.create_index(op.f("ix_coefficients_key"), "coefficients", ["key"], unique=False)
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("basis", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("coefficients", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("coefficients")
        batch.drop_column("basis")
    op.drop_index(op.f("ix_coefficients_key"), table_name="coefficients")
    op.drop_table("coefficients")
