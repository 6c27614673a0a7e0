"""Keeping the village × quarter summary (app/models/summary.py) exactly current, and reading it.

At province scale a quarter's roll-up from answers reads ~500,000 of them; the summary holds
the same tallies, one row per reporting village and indicator, so a roll-up is an indexed read.
It is only right if every write that can change a tally recomputes it in the same transaction,
so the recomputation hangs on the session, not on the write paths one by one:

- `after_flush` notes every Inspection or Answer that was inserted, changed or deleted through
  the ORM (create, edit, review, soft delete, restore, rescue import all go through it);
- an Inspection's old (village, quarter) is noted when either is reassigned (an edit may move
  an inspection to another village or quarter, and the old one must lose it);
- `before_commit` flushes, then recomputes each noted (village, quarter) by running the one tally
  statement of app/tallies.py scoped to that village and quarter (no second definition of the
  arithmetic), once counting all live inspections and once approved ones only.
Writes through Core (demo data) call `note_places` themselves. `rebuild` recomputes everything.
"""

from itertools import chain

from flask import current_app
from sqlalchemy import Integer, bindparam, case, delete, event, func, insert, select
from sqlalchemy.orm import Session, attributes, object_session

from app.forms_registry import current_forms
from app.models import Answer, Inspection, Village, VillageQuarterFigure
from app.periods import parse_period
from app.tallies import VillageFigures, village_figures

figures_table = VillageQuarterFigure.__table__
villages = Village.__table__
PLACES = "quarter_summary.places"  # session.info keys: {(village_id, quarter)}
INSPECTIONS = "quarter_summary.inspections"  # {inspection id}: resolved at commit
SOURCES = ("live", "summary")
MANY_VILLAGES = 20  # above this many in one quarter, one quarter-wide statement is cheaper
LOCKS = 0x5153 << 48  # "QS": this module's advisory locks; the key alone locks the whole summary


def reads_summary() -> bool:
    """Whether quarter roll-ups read the summary (config ROLLUP_SOURCE) or the answers."""
    source = current_app.config.get("ROLLUP_SOURCE", "live")
    if source not in SOURCES:
        raise ValueError(f"ROLLUP_SOURCE must be one of {SOURCES}, not {source!r}")
    return source == "summary"


def install() -> None:
    """Hang the bookkeeping on every session (once per process)."""
    if event.contains(Session, "after_flush", _note_flushed):
        return
    event.listen(Session, "after_flush", _note_flushed)
    event.listen(Session, "before_commit", _recompute_noted)
    event.listen(Session, "after_soft_rollback", _forget_noted)
    # (assigning Inspection.village sets village_id at flush, which fires this too)
    for column in (Inspection.village_id, Inspection.quarter):
        event.listen(column, "set", _note_old_place, active_history=True)


def note_places(session, places) -> None:
    """For writes that bypass the ORM: these (village_id, quarter) are recomputed at commit."""
    session.info.setdefault(PLACES, set()).update(places)


def _note_flushed(session, _context) -> None:
    ids = session.info.setdefault(INSPECTIONS, set())
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Inspection):
            if obj in session.deleted:  # the row is gone: its place comes from memory
                loaded = attributes.instance_dict(obj)
                note_places(session, [(loaded.get("village_id"), loaded.get("quarter"))])
            else:
                ids.add(obj.id)
        elif isinstance(obj, Answer):
            ids.add(attributes.instance_dict(obj).get("inspection_id"))


def _note_old_place(target, _value, oldvalue, initiator):
    session = object_session(target)
    if session is None or oldvalue in (None, attributes.NO_VALUE, attributes.NEVER_SET):
        return
    if initiator.key == "village_id":
        place = (oldvalue, target.quarter)
    else:
        place = (target.village_id, oldvalue)
    note_places(session, [place])


def _forget_noted(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(PLACES, None)
        session.info.pop(INSPECTIONS, None)


def _recompute_noted(session) -> None:
    session.flush()  # so after_flush has seen everything this transaction wrote
    places = session.info.pop(PLACES, set())
    ids = session.info.pop(INSPECTIONS, set()) - {None}
    if ids:
        rows = session.execute(
            select(Inspection.village_id, Inspection.quarter).where(Inspection.id.in_(ids))
        )
        places.update(tuple(row) for row in rows)
    places = {p for p in places if None not in p}
    if places:
        recompute(session.connection(), places)


def recompute(connection, places) -> None:
    """Replace the summary rows of each (village_id, quarter) with a fresh tally: one statement
    per village, or one per quarter when a write touched many of its villages (demo data)."""
    indicators = current_forms().indicators.indicators
    by_quarter: dict[str, set[int]] = {}
    for village_id, quarter in places:
        by_quarter.setdefault(quarter, set()).add(village_id)
    _lock(connection, LOCKS, shared=True)  # not while a rebuild runs
    for quarter, village_ids in sorted(by_quarter.items()):
        many = len(village_ids) > MANY_VILLAGES
        _lock(connection, _lock_key(0, quarter), shared=not many)
        for village_id in sorted(village_ids) if not many else ():
            _lock(connection, _lock_key(village_id, quarter))
        connection.execute(
            delete(figures_table).where(
                figures_table.c.quarter == quarter, figures_table.c.village_id.in_(village_ids)
            )
        )
        if many:
            _store(connection, indicators, quarter, scope=None, only=village_ids)
            continue
        for village_id in sorted(village_ids):
            _store(connection, indicators, quarter, scope=("village", village_id))


def _lock_key(village_id: int, quarter: str) -> int:
    """One 64-bit advisory lock key per (village, quarter); village 0 stands for the quarter."""
    year, number = int(quarter[:4]), int(quarter[5:])
    return LOCKS | (village_id << 16) | (year * 4 + number - 1)


def _lock(connection, key: int, shared: bool = False) -> None:
    """PostgreSQL: two transactions writing the same village and quarter at once would both
    delete its (old) rows and insert new ones, and the second insert would fail on the key (or,
    had it not, count from a snapshot without the first's inspection). The lock, held to the
    end of the transaction, makes the second wait, then tally with the first committed. Locks
    are taken in one order (whole summary, quarter, village), so they cannot deadlock. SQLite
    needs none: BEGIN IMMEDIATE already serialises writers."""
    if connection.dialect.name == "postgresql":
        lock = func.pg_advisory_xact_lock_shared if shared else func.pg_advisory_xact_lock
        connection.execute(select(lock(key)))


def rebuild(connection) -> int:
    """Recompute the whole summary from the answers (one tally statement per quarter and
    setting); answers the number of rows written. The caller commits."""
    indicators = current_forms().indicators.indicators
    _lock(connection, LOCKS)
    if connection.dialect.name == "postgresql":
        # After a bulk load, before autovacuum has run: without statistics PostgreSQL plans the
        # quarter-wide tally badly (minutes instead of a second at province scale).
        connection.exec_driver_sql("ANALYZE inspections, answers")
    connection.execute(delete(figures_table))
    quarters = connection.execute(select(Inspection.quarter).distinct()).scalars().all()
    return sum(_store(connection, indicators, q, scope=None) for q in sorted(quarters))


def _store(connection, indicators, quarter: str, scope, only=None) -> int:
    span = parse_period(quarter)
    rows = [
        {
            "quarter": span.code,
            "approved_only": approved_only,
            "village_id": village.village_id,
            "indicator": indicator.key,
            "numerator": figures[0],
            "denominator": figures[1],
        }
        for approved_only in (False, True)
        for village in village_figures(
            connection,
            indicators,
            span.start,
            span.end,
            span.code,
            scope=scope,
            approved_only=approved_only,
        )
        if only is None or village.village_id in only
        for indicator, figures in zip(indicators, village.figures, strict=True)
        if figures is not None
    ]
    if rows:
        connection.execute(insert(figures_table), rows)
    return len(rows)


def summary_figures(
    connection, indicators, quarters, scope=None, approved_only=False
) -> list[VillageFigures]:
    """The same VillageFigures that app/tallies.village_figures gives for these quarters (one
    per reporting village and quarter), read from the summary. The database turns the rows
    (one per indicator) back into one per village: at province scale that is 25,000 rows to
    fetch instead of 150,000."""
    where = [
        figures_table.c.quarter.in_(list(quarters)),
        figures_table.c.approved_only == bool(approved_only),
        figures_table.c.indicator.in_([i.key for i in indicators]),
    ]
    if scope and scope[0] == "township":
        where.append(villages.c.township_id == bindparam("scope_id", scope[1], type_=Integer))
    elif scope and scope[0] == "village":
        where.append(figures_table.c.village_id == scope[1])
    elif scope:
        raise ValueError(f"unknown scope {scope[0]!r}")
    columns = []
    for indicator in indicators:
        this = figures_table.c.indicator == indicator.key
        columns += [
            func.max(case((this, 1), else_=0)),
            func.max(case((this, figures_table.c.numerator))),
            func.max(case((this, figures_table.c.denominator))),
        ]
    keys = (figures_table.c.quarter, figures_table.c.village_id, villages.c.township_id)
    statement = (
        select(*keys, villages.c.zone, *columns)
        .join(villages, villages.c.id == figures_table.c.village_id)
        .where(*where)
        .group_by(*keys, villages.c.zone)
    )
    count = len(indicators)
    return [
        VillageFigures(
            row[0],
            row[1],
            row[2],
            row[3],
            tuple(
                (float(row[5 + 3 * k]), float(row[6 + 3 * k])) if row[4 + 3 * k] else None
                for k in range(count)
            ),
        )
        for row in connection.execute(statement)
    ]


def summary_zone_sums(connection, indicators, quarters, township_id=None, approved_only=False):
    """For county and township roll-ups and trends: per (quarter, township, zone, indicator)
    Σ numerator, Σ denominator and the villages reporting, and per (quarter, township) the
    villages reporting anything; summed by the database, so 25,000 villages cost no Python loop."""
    keys = [i.key for i in indicators]
    where = [
        figures_table.c.quarter.in_(list(quarters)),
        figures_table.c.approved_only == bool(approved_only),
        figures_table.c.indicator.in_(keys),
    ]
    if township_id is not None:
        where.append(villages.c.township_id == township_id)
    joined = figures_table.join(villages, villages.c.id == figures_table.c.village_id)
    place = (figures_table.c.quarter, villages.c.township_id)
    group = (*place, villages.c.zone, figures_table.c.indicator)
    sums = connection.execute(
        select(
            *group,
            func.sum(figures_table.c.numerator),
            func.sum(figures_table.c.denominator),
            func.count(),
        )
        .select_from(joined)
        .where(*where)
        .group_by(*group)
    ).all()
    reported = connection.execute(
        select(*place, func.count(figures_table.c.village_id.distinct()))
        .select_from(joined)
        .where(*where)
        .group_by(*place)
    ).all()
    return sums, {(quarter, tid): n for quarter, tid, n in reported}
