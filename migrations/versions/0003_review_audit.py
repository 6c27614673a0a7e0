"""review workflow, soft delete, audit log, login throttle, settings

Revision ID: 0003_review_audit
Revises: 0002_township_boundaries
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_review_audit'
down_revision = '0002_township_boundaries'
branch_labels = None
depends_on = None

STATUSES = "('submitted', 'returned', 'resubmitted', 'approved')"


def upgrade():
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=False,
                                      server_default='submitted'))
        batch_op.add_column(sa.Column('review_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deleted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('delete_reason', sa.Text(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_inspections_status'), f"status IN {STATUSES}")
        batch_op.create_foreign_key(op.f('fk_inspections_reviewed_by_id_users'), 'users',
                                    ['reviewed_by_id'], ['id'])
        batch_op.create_foreign_key(op.f('fk_inspections_deleted_by_id_users'), 'users',
                                    ['deleted_by_id'], ['id'])

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=True),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_events_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)

    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_username_at', ['username', 'at'], unique=False)
        batch_op.create_index('ix_login_failures_ip_at', ['ip', 'at'], unique=False)

    op.create_table('settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )

    # The audit log is append-only in the database too (PostgreSQL; SQLite relies on the app).
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("""
            CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
        """)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events;"
                   "DROP FUNCTION IF EXISTS audit_events_append_only();")
    op.drop_table('settings')
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_ip_at')
        batch_op.drop_index('ix_login_failures_username_at')
    op.drop_table('login_failures')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))
        batch_op.drop_index('ix_audit_events_object')
        batch_op.drop_index('ix_audit_events_at')
    op.drop_table('audit_events')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_inspections_deleted_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(op.f('fk_inspections_reviewed_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(op.f('ck_inspections_status'), type_='check')
        for column in ('delete_reason', 'deleted_by_id', 'deleted_at', 'reviewed_at',
                       'reviewed_by_id', 'review_comment', 'status'):
            batch_op.drop_column(column)
