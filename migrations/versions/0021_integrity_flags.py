"""integrity flags: photo hashes, the phone's opened/saved times, flag evidence and clearing

Revision ID: 0021_integrity_flags
Revises: 0020_round_estimates
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_integrity_flags"
down_revision = "0020_round_estimates"
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('far_from_village', 'outside_county')"
NEW_KINDS = (
    "kind IN ('far_from_village', 'outside_county', 'photo_reused', 'photo_old', 'too_fast', "
    "'copied_answers', 'same_place')"
)


def upgrade():
    for table in ("photos", "problem_photos"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("phash", sa.String(length=16), nullable=True))
    with op.batch_alter_table("inspections") as batch_op:
        batch_op.add_column(sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("saved_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("inspection_flags") as batch_op:
        batch_op.add_column(sa.Column("evidence", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("cleared_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("clear_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_inspection_flags_cleared_by_id_users"), "users", ["cleared_by_id"], ["id"]
        )
        batch_op.drop_constraint(batch_op.f("ck_inspection_flags_kind"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_inspection_flags_kind"), NEW_KINDS)


def downgrade():
    op.execute(
        "DELETE FROM inspection_flags WHERE kind NOT IN ('far_from_village', 'outside_county')"
    )
    with op.batch_alter_table("inspection_flags") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_inspection_flags_kind"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_inspection_flags_kind"), OLD_KINDS)
        batch_op.drop_constraint(
            batch_op.f("fk_inspection_flags_cleared_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("clear_reason")
        batch_op.drop_column("cleared_by_id")
        batch_op.drop_column("cleared_at")
        batch_op.drop_column("evidence")
    with op.batch_alter_table("inspections") as batch_op:
        batch_op.drop_column("saved_at")
        batch_op.drop_column("opened_at")
    for table in ("photos", "problem_photos"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("phash")
