"""roll-up index: a period's inspections by date range

Revision ID: 0006_rollup_indexes
Revises: 0004_photos_gps
"""
from alembic import op


revision = '0006_rollup_indexes'
down_revision = '0004_photos_gps'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index('ix_inspections_period_range',
                              ['inspected_on', 'village_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index('ix_inspections_period_range')
