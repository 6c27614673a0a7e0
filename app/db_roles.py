"""The PostgreSQL role the app should run as: it may read and write rows, never own the tables.

A table's owner can `ALTER TABLE … DISABLE TRIGGER` and so switch off the append-only triggers
of the audit log and the ledger (issue 25, finding 10). Migrations run as the owner; the app
runs as a role holding only row privileges, so it can neither disable a trigger nor TRUNCATE.
"""

import click
from flask.cli import with_appcontext

from app.extensions import db

# Tables the app only appends to: no UPDATE or DELETE even at the privilege level.
APPEND_ONLY = ("audit_events", "problem_events")


def grant_statements(role: str, table_names: list[str]) -> list[str]:
    """GRANTs giving `role` the rows of every table (append-only ones insert and read only)
    and the sequences their ids come from; nothing that owns, alters or truncates."""
    quoted = '"' + role.replace('"', '""') + '"'
    statements = [f"GRANT USAGE ON SCHEMA public TO {quoted}"]
    for name in sorted(table_names):
        verbs = "SELECT, INSERT" if name in APPEND_ONLY else "SELECT, INSERT, UPDATE, DELETE"
        statements.append(f'GRANT {verbs} ON TABLE "{name}" TO {quoted}')
    statements.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
    return statements


@click.command("app-role-sql")
@click.argument("role")
@with_appcontext
def app_role_sql_command(role):
    """Print the GRANTs for the PostgreSQL role the app runs as (run them as the owner, after
    every `db upgrade` that adds a table)."""
    # alembic_version stays the owner's: only migrations write it.
    names = [n for n in db.inspect(db.engine).get_table_names() if n != "alembic_version"]
    for statement in grant_statements(role, names):
        click.echo(statement + ";")
