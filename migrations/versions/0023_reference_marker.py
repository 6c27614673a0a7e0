"""reference_marker: one row whose token the triggers on the reference tables change (issue 21)

Revision ID: 0023_reference_marker
Revises: 0022_sites
"""

import sqlalchemy as sa
from alembic import op

# Frozen here (the model's module may change; this migration must not)
WATCHED = ("counties", "townships", "villages", "targets", "settings", "coefficients")
SQLITE_TOKEN = "lower(hex(randomblob(16)))"
POSTGRESQL_TOKEN = "gen_random_uuid()::text"
BUMP = "UPDATE reference_marker SET token = {} WHERE id = 1"


def sqlite_statements() -> list[str]:
    return [
        f"CREATE TRIGGER reference_{table}_{write.lower()} AFTER {write} ON {table} "
        f"BEGIN {BUMP.format(SQLITE_TOKEN)}; END"
        for table in WATCHED
        for write in ("INSERT", "UPDATE", "DELETE")
    ]


def postgresql_statements() -> list[str]:
    function = (
        "CREATE OR REPLACE FUNCTION reference_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {BUMP.format(POSTGRESQL_TOKEN)}; RETURN NULL; END $$"
    )
    return [function] + [
        "CREATE TRIGGER reference_changed BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION reference_changed()"
        for table in WATCHED
    ]

revision = "0023_reference_marker"
down_revision = "0022_sites"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reference_marker",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_reference_marker_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_marker")),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    token = POSTGRESQL_TOKEN if postgresql else SQLITE_TOKEN
    op.execute(f"INSERT INTO reference_marker (id, token) VALUES (1, {token})")
    for statement in postgresql_statements() if postgresql else sqlite_statements():
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS reference_changed ON {table}")
        op.execute("DROP FUNCTION IF EXISTS reference_changed()")
    else:
        for table in WATCHED:
            for write in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS reference_{table}_{write}")
    op.drop_table("reference_marker")
