"""counties above townships (province mode); an existing county's townships get a county made
from their NBS code prefix, named by `flask seed` (or an admin) afterwards

Revision ID: 0008_counties
Revises: 0007_quarter_summary
"""
import sqlalchemy as sa
from alembic import op


revision = "0008_counties"
down_revision = "0007_quarter_summary"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "counties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counties")),
        sa.UniqueConstraint("code", name=op.f("uq_counties_code")),
    )
    # A township's 9-digit NBS code starts with its county's 6 digits. The name is the code
    # until `flask seed` names the configured county.
    op.execute(
        "INSERT INTO counties (code, name) "
        "SELECT DISTINCT substr(code, 1, 6), substr(code, 1, 6) FROM townships"
    )
    with op.batch_alter_table("townships") as batch:
        batch.add_column(sa.Column("county_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE townships SET county_id = "
        "(SELECT id FROM counties WHERE counties.code = substr(townships.code, 1, 6))"
    )
    with op.batch_alter_table("townships") as batch:
        batch.alter_column("county_id", existing_type=sa.Integer(), nullable=False)
        batch.create_index(batch.f("ix_townships_county_id"), ["county_id"])
        batch.create_foreign_key(
            batch.f("fk_townships_county_id_counties"), "counties", ["county_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("townships") as batch:
        batch.drop_constraint(batch.f("fk_townships_county_id_counties"), type_="foreignkey")
        batch.drop_index(batch.f("ix_townships_county_id"))
        batch.drop_column("county_id")
    op.drop_table("counties")
