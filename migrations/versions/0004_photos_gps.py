"""photos of inspections and GPS flags

Revision ID: 0004_photos_gps
Revises: 0003_review_audit
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_photos_gps'
down_revision = "0003_review_audit"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_photo_id', sa.Uuid(as_uuid=False), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=32), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=16), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('taken_at', sa.String(length=19), nullable=True),
    sa.Column('upload_sha256', sa.String(length=64), nullable=False),
    sa.Column('uploader_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("content_type IN ('image/jpeg', 'image/png', 'image/webp')", name=op.f('ck_photos_content_type')),
    sa.CheckConstraint('byte_size > 0', name=op.f('ck_photos_byte_size')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_photos_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_photos_uploader_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photos')),
    sa.UniqueConstraint('client_photo_id', name=op.f('uq_photos_client_photo_id')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_photos_storage_key'))
    )
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photos_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('inspection_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('distance_m', sa.Float(), nullable=True),
    sa.Column('limit_m', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('far_from_village', 'outside_county')", name=op.f('ck_inspection_flags_kind')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_flags_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_flags')),
    sa.UniqueConstraint('inspection_id', 'kind', name='uq_inspection_flags_kind')
    )
    with op.batch_alter_table('inspection_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_flags_inspection_id'), ['inspection_id'], unique=False)


def downgrade():
    with op.batch_alter_table('inspection_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_flags_inspection_id'))
    op.drop_table('inspection_flags')
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photos_inspection_id'))
    op.drop_table('photos')
