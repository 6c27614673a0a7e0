"""Whether the roll-up summary is on: the one row of `summary_state`, and why reading it is safe.

The summary is only right if no committed write is missing from it. A writer that decided "off"
and committed after a rebuild had read the inspections would be missing, so every writer's
decision and every switch are serialised on this row:

- PostgreSQL: a writer reads the row FOR SHARE inside its own transaction (at commit, after its
  writes are flushed, before the commit), and a switch (rebuild on, or off) UPDATEs the row as
  its first statement. The UPDATE waits for every writer that has already read the row to
  commit; a writer that reads it later waits for the switch to commit and then sees the new
  value (READ COMMITTED re-reads a row it had to wait for). So a writer that saw "off" committed
  before the rebuild read anything, and one that comes after it sees "on" and keeps the summary.
- SQLite: every writing transaction starts with BEGIN IMMEDIATE (app/db.py), so writers and the
  switches already run one at a time; the row is read inside the writer's transaction.

Readers read the row in the same statement as the summary (`with_state`): on PostgreSQL
each statement has its own snapshot, and a switch-off between two statements would otherwise
show an emptied summary as zeros. A missing row reads as off.

The row also holds the fingerprint of the indicator definitions the summary was built from
(`definitions`). Readers pass the fingerprint of the definitions loaded now, and a summary built
from other ones reads as off: after a change to forms/indicators.json the figures come from the
answers (right, slower) until `flask rebuild-summary`, never from the old definition's tallies.
"""

from sqlalchemy import and_, bindparam, insert, select, true, update

from app.clock import utc_now
from app.models import SummaryState

state = SummaryState.__table__


def is_on(connection, for_share: bool = False) -> bool:
    """The state; `for_share` (writers) locks the row until the transaction ends (PostgreSQL;
    SQLite renders no FOR SHARE and needs none)."""
    query = select(state.c.enabled).where(state.c.id == 1)
    if for_share:
        query = query.with_for_update(read=True)
    return bool(connection.execute(query).scalar())


def switch(connection, enabled: bool, definitions: str | None = None) -> None:
    """Set the state (and, switching on, the fingerprint of the definitions it is built from).
    Call it first in the switching transaction: from here on (PostgreSQL) no writer can read
    the row until this transaction ends. The caller commits."""
    values = {"enabled": enabled, "changed_at": utc_now(), "definitions": definitions}
    if not connection.execute(update(state).where(state.c.id == 1).values(**values)).rowcount:
        connection.execute(insert(state).values(id=1, **values))


def with_state(statement):
    """`statement` (a SELECT whose first column is never NULL) joined to the state, so both are
    read in one statement and so one snapshot; its rows go through `rows_while_on`. The
    statement takes the parameter `definitions` (the loaded definitions' fingerprint): a
    summary built from other definitions reads as off."""
    inner = statement.subquery("summary")
    usable = and_(state.c.enabled == true(), state.c.definitions == bindparam("definitions"))
    return (
        select(usable.label("usable"), inner)
        .select_from(state.outerjoin(inner, usable))
        .where(state.c.id == 1)
    )


def rows_while_on(rows) -> list | None:
    """The summary's rows from a `with_state` statement's result, or None while it is off."""
    if not rows or not rows[0][0]:
        return None
    # with the summary on and nothing in it, the outer join gives one row of NULLs
    return [tuple(row[1:]) for row in rows if row[1] is not None]


def read_with_state(connection, statement, definitions: str) -> tuple[bool, list]:
    """Run `statement` with the state: (True, its rows) while the summary is on and built from
    `definitions`, else (False, [])."""
    rows = rows_while_on(
        connection.execute(with_state(statement), {"definitions": definitions}).all()
    )
    return (False, []) if rows is None else (True, rows)


def freshness(connection, definitions: str) -> str:
    """ "off", "current" (on, built from `definitions`) or "stale" (on, built from other
    definitions: not read until rebuilt), for the county admin's pages."""
    row = connection.execute(
        select(state.c.enabled, state.c.definitions).where(state.c.id == 1)
    ).first()
    if row is None or not row.enabled:
        return "off"
    return "current" if row.definitions == definitions else "stale"
