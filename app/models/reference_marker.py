"""The reference marker: one row whose token changes, by trigger, in the same transaction as any
change to the tables roll-ups read as reference data (counties, townships, villages, targets,
settings, coefficients).

Why: every roll-up used to re-read the units' kinds and zones (a GROUP BY over all 25,000
villages at province scale), the targets and their paths and the settings, which change a few
times a year. app/reference.py keeps them per process and reads only this token per request; a
new token means "read them again". Triggers, not application code, change it, so no write path
(ORM, Core, the demo, a migration, psql) can forget to.

A random token, not a counter: a transaction that changed a village, cached what it saw under
its new token and then rolled back must never have that token reach anyone else; a counter
would hand the same number to the next change. The row is made with a random token by the
migration and by create_all, so two databases never share one either.
"""

from sqlalchemy import DDL, event
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

WATCHED = ("counties", "townships", "villages", "targets", "settings", "coefficients")
SQLITE_TOKEN = "lower(hex(randomblob(16)))"
POSTGRESQL_TOKEN = "gen_random_uuid()::text"
BUMP = "UPDATE reference_marker SET token = {} WHERE id = 1"


class ReferenceMarker(db.Model):
    __tablename__ = "reference_marker"
    __table_args__ = (db.CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(db.String(40), nullable=False)


def sqlite_statements() -> list[str]:
    """One trigger per watched table and write (SQLite triggers are per row); idempotent."""
    out = []
    for table in WATCHED:
        for write in ("INSERT", "UPDATE", "DELETE"):
            out.append(
                f"CREATE TRIGGER IF NOT EXISTS reference_{table}_{write.lower()} "
                f"AFTER {write} ON {table} BEGIN {BUMP.format(SQLITE_TOKEN)}; END"
            )
    return out


def postgresql_statements() -> list[str]:
    """The function and one statement-level trigger per watched table; idempotent. BEFORE the
    statement: a writer locks the marker row before any watched row, so two writers of watched
    rows queue on the marker instead of each holding a row the other wants (a deadlock)."""
    out = [
        "CREATE OR REPLACE FUNCTION reference_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {BUMP.format(POSTGRESQL_TOKEN)}; "
        "RETURN NULL; END $$",
    ]
    for table in WATCHED:
        out.append(
            "CREATE OR REPLACE TRIGGER reference_changed "
            f"BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION reference_changed()"
        )
    return out


def bump(session) -> None:
    """A new token now, in `session`'s transaction: for a change the triggers do not watch
    that cached values still depend on (a county's form version, app/formdefs/county_forms.py,
    read by app/formdefs/registry.py through the cache). Call it BEFORE the change's own
    writes, as the BEFORE triggers do, so writers lock the marker row first."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    session.execute(db.text(BUMP.format(POSTGRESQL_TOKEN if postgresql else SQLITE_TOKEN)))


def _create(_metadata, connection, **_kw) -> None:
    """After create_all (tests, benches): the row and the triggers, as migration 0018 does."""
    if not connection.dialect.has_table(connection, "reference_marker"):
        return
    postgresql = connection.dialect.name == "postgresql"
    if not connection.scalar(db.text("SELECT count(*) FROM reference_marker")):
        token = POSTGRESQL_TOKEN if postgresql else SQLITE_TOKEN
        connection.execute(DDL(f"INSERT INTO reference_marker (id, token) VALUES (1, {token})"))
    for statement in postgresql_statements() if postgresql else sqlite_statements():
        connection.execute(DDL(statement))


event.listen(db.metadata, "after_create", _create)
