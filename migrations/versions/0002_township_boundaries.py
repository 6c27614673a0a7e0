"""township boundaries uploaded by a county admin

Revision ID: 0002_township_boundaries
Revises: 0001_initial
"""
from alembic import op
import sqlalchemy as sa


revision = "0002_township_boundaries"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "township_boundary_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("feature_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"],
                                name=op.f("fk_township_boundary_uploads_uploaded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_township_boundary_uploads")),
    )
    op.create_table(
        "township_boundaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=False),
        sa.Column("township_id", sa.Integer(), nullable=False),
        sa.Column("geometry", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["township_id"], ["townships.id"],
                                name=op.f("fk_township_boundaries_township_id_townships")),
        sa.ForeignKeyConstraint(
            ["upload_id"], ["township_boundary_uploads.id"],
            name=op.f("fk_township_boundaries_upload_id_township_boundary_uploads")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_township_boundaries")),
        sa.UniqueConstraint("upload_id", "township_id", name="uq_township_boundaries_upload"),
    )
    with op.batch_alter_table("township_boundaries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_township_boundaries_upload_id"), ["upload_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("township_boundaries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_township_boundaries_upload_id"))
    op.drop_table("township_boundaries")
    op.drop_table("township_boundary_uploads")
