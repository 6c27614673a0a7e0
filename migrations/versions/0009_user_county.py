"""users.county_id: a county admin or viewer limited to one county (NULL: the whole deployment)

Revision ID: 0009_user_county
Revises: 0008_counties
"""
import sqlalchemy as sa
from alembic import op


revision = "0009_user_county"
down_revision = "0008_counties"
branch_labels = None
depends_on = None


def upgrade():
    # Every existing user keeps what they had: county_id NULL is the whole deployment, which
    # for a county deployment is the one county.
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("county_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_users_county_id"), ["county_id"])
        batch.create_foreign_key(
            batch.f("fk_users_county_id_counties"), "counties", ["county_id"], ["id"]
        )
        batch.create_check_constraint(
            "township_role_has_no_county",
            "role NOT IN ('inspector', 'township_lead') OR county_id IS NULL",
        )


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(batch.f("ck_users_township_role_has_no_county"), type_="check")
        batch.drop_constraint(batch.f("fk_users_county_id_counties"), type_="foreignkey")
        batch.drop_index(batch.f("ix_users_county_id"))
        batch.drop_column("county_id")
