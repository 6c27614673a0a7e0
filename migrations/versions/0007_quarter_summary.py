"""village × quarter summary for roll-ups (app/rollups/summary/quarter.py); fill it after upgrading
with `flask --app wsgi rebuild-summary`

Revision ID: 0007_quarter_summary
Revises: 0006_rollup_indexes
"""
import sqlalchemy as sa
from alembic import op


revision = '0007_quarter_summary'
down_revision = '0006_rollup_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'village_quarter_figures',
        sa.Column('quarter', sa.String(length=6), nullable=False),
        sa.Column('approved_only', sa.Boolean(), nullable=False),
        sa.Column('village_id', sa.Integer(), nullable=False),
        sa.Column('indicator', sa.String(length=64), nullable=False),
        sa.Column('numerator', sa.Float(), nullable=False),
        sa.Column('denominator', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['village_id'], ['villages.id'],
                                name=op.f('fk_village_quarter_figures_village_id_villages')),
        sa.PrimaryKeyConstraint('quarter', 'approved_only', 'village_id', 'indicator',
                                name=op.f('pk_village_quarter_figures')),
    )


def downgrade():
    op.drop_table('village_quarter_figures')
