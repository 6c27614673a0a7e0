"""Keeping the roll-up summary (app/models/summary.py) exactly current while it is on, and
switching it on (`rebuild`) and off (`switch_off`).

At province scale a quarter's roll-up from answers reads ~500,000 of them; the summary holds the
same tallies per village and their sums per township and county, so a roll-up reads a few
thousand rows. It is only right if every write that can change a tally recomputes it in the
same transaction, so the recomputation hangs on the session, not on the write paths one by one:

- `after_flush` notes every Inspection or Answer inserted, changed or deleted through the ORM
  (create, edit, review, soft delete, restore, rescue import all go through it);
- an Inspection's old (village, quarter) is noted when either is reassigned; so is a Village
  whose zone or township changes and a Township whose county changes (they move villages from
  one area's sums to another's), and a Village added or deleted (the areas' village counts);
- `before_commit` flushes and reads the state (app/rollups/summary/state.py, locking it on
PostgreSQL);
  only while the summary is on does it recompute each noted (village, quarter) with the one
  tally statement of app/rollups/tallies.py (no second definition of the arithmetic), then the
  touched townships' and counties' sums (app/rollups/summary/area.py). While it is off a write costs
  one read.
Writes through Core call `note_places` / `note_villages` themselves.
"""

from itertools import chain

from flask import current_app
from sqlalchemy import bindparam, delete, event, insert, select, text
from sqlalchemy.orm import Session, attributes, object_session

from app.db import WRITTEN_PLACES, note_written_places
from app.formdefs.registry import current_forms
from app.models import (
    Answer,
    AreaQuarterFigure,
    AreaVillageCount,
    Inspection,
    Township,
    Village,
    VillageQuarterFigure,
)
from app.periods import parse_period
from app.rollups.summary import area as area_summary
from app.rollups.summary import state as summary_state
from app.rollups.tallies import village_figures

figures_table = VillageQuarterFigure.__table__
inspections = Inspection.__table__
TABLES = (figures_table, AreaQuarterFigure.__table__, AreaVillageCount.__table__)
PLACES = WRITTEN_PLACES  # session.info keys: {(village_id, quarter)}
INSPECTIONS = "quarter_summary.inspections"  # {inspection id}: resolved at commit
MOVED_VILLAGES = "quarter_summary.villages"  # {village id: {its former township ids}}
MOVED_TOWNSHIPS = "quarter_summary.townships"  # {township id: {its former county ids}}
NOTES = (PLACES, INSPECTIONS, MOVED_VILLAGES, MOVED_TOWNSHIPS)
SOURCES = ("auto", "live")
MANY_VILLAGES = 20  # above this many in one quarter, one quarter-wide statement is cheaper
VILLAGE_LOCKS, AREA_LOCKS = 0x5153 << 48, 0x5154 << 48  # "QS", "QT": this module's keys


def reads_summary() -> bool:
    """Whether roll-ups may read the summary (config ROLLUP_SOURCE "auto", the default: they
    do while it is on) or must read the answers ("live": to check the summary against them)."""
    source = current_app.config.get("ROLLUP_SOURCE", "auto")
    if source not in SOURCES:
        raise ValueError(
            f"ROLLUP_SOURCE must be one of {SOURCES}, not {source!r} (the summary is used "
            "while it is on: `flask rebuild-summary` switches it on)"
        )
    return source == "auto"


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
    for column in (Village.zone, Village.township_id, Township.county_id):
        event.listen(column, "set", _note_moved_area, active_history=True)


# For writes that bypass the ORM: these (village_id, quarter) are recomputed at commit.
note_places = note_written_places


def note_villages(session, village_ids) -> None:
    """For Core updates of villages' zones: their townships' sums are recomputed at commit."""
    moved = session.info.setdefault(MOVED_VILLAGES, {})
    for village_id in village_ids:
        moved.setdefault(village_id, set())


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
        elif isinstance(obj, Village) and obj not in session.dirty:  # new or deleted: counts
            township = attributes.instance_dict(obj).get("township_id")
            former = {township} if obj in session.deleted and township else set()
            session.info.setdefault(MOVED_VILLAGES, {}).setdefault(obj.id, set()).update(former)


def _unset(value) -> bool:
    return value in (None, attributes.NO_VALUE, attributes.NEVER_SET)


def _note_old_place(target, _value, oldvalue, initiator):
    session = object_session(target)
    if session is None or _unset(oldvalue):
        return
    if initiator.key == "village_id":
        place = (oldvalue, target.quarter)
    else:
        place = (target.village_id, oldvalue)
    note_places(session, [place])


def _note_moved_area(target, _value, oldvalue, initiator):
    """A village's zone or township, or a township's county, changed: the sums of the areas it
    leaves and joins change in every quarter it has inspections (resolved at commit)."""
    session = object_session(target)
    if session is None or target.id is None or _unset(oldvalue):
        return  # a new village or township has no inspections yet
    key = MOVED_TOWNSHIPS if isinstance(target, Township) else MOVED_VILLAGES
    former = session.info.setdefault(key, {}).setdefault(target.id, set())
    if initiator.key in ("township_id", "county_id"):
        former.add(oldvalue)


def _forget_noted(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        for key in NOTES:
            session.info.pop(key, None)


def _recompute_noted(session) -> None:
    session.flush()  # so after_flush has seen everything this transaction wrote
    places = session.info.pop(PLACES, set())
    ids = session.info.pop(INSPECTIONS, set()) - {None}
    moved_villages = session.info.pop(MOVED_VILLAGES, {})
    moved_townships = session.info.pop(MOVED_TOWNSHIPS, {})
    if not (places or ids or moved_villages or moved_townships):
        return
    connection = session.connection()
    if not summary_state.is_on(connection, for_share=True):
        return  # off: the summary is empty and stays so until `rebuild-summary`
    recompute(connection, places, ids, moved_villages, moved_townships)


def recompute(connection, places=(), ids=(), moved_villages=None, moved_townships=None) -> None:
    """Recompute the village rows of each (village_id, quarter) in `places` and of each
    inspection id in `ids`, then the sums of every township and county they (or the moved
    villages and townships) touch. The caller has checked that the summary is on."""
    reach = area_summary.touched(connection, places, ids, moved_villages, moved_townships)
    by_quarter: dict[str, set[int]] = {}
    for village_id, quarter in reach.places:
        by_quarter.setdefault(quarter, set()).add(village_id)
    _lock(connection, by_quarter, reach)
    indicators = current_forms().indicators.indicators
    for quarter, village_ids in sorted(by_quarter.items()):
        connection.execute(
            delete(figures_table).where(
                figures_table.c.quarter == quarter,
                figures_table.c.approved_only.in_(area_summary.BOTH),  # an index range each
                figures_table.c.village_id.in_(village_ids),
            )
        )
        if len(village_ids) > MANY_VILLAGES:
            _store(connection, indicators, quarter, scope=None, only=village_ids)
            continue
        for village_id in sorted(village_ids):
            _store(connection, indicators, quarter, scope=("village", village_id))
    area_summary.apply(connection, reach, [i.key for i in indicators])


def _lock(connection, by_quarter, reach) -> None:
    """PostgreSQL: two transactions writing the same village and quarter (or area) at once
    would both delete its old rows and insert new ones: the second insert would fail on the key
    or, had it not, count from a snapshot without the first's writes. Each takes these advisory
    locks, held to the end of the transaction, so the second waits, then recomputes with the
    first committed. One statement takes them all, in one global order (each quarter's
    quarter-wide key, then its villages; then townships; then counties), so two writers cannot
    deadlock. A write of many villages of a quarter takes the quarter-wide key alone; one of a
    few shares it. SQLite needs none: BEGIN IMMEDIATE already serialises writers."""
    if connection.dialect.name != "postgresql":
        return
    keys: list[tuple[int, bool]] = []
    for quarter, village_ids in sorted(by_quarter.items()):
        many = len(village_ids) > MANY_VILLAGES
        keys.append((_village_key(0, quarter), not many))
        keys += [(_village_key(v, quarter), False) for v in sorted(village_ids) if not many]
    for rank, level in enumerate(area_summary.LEVELS):
        keys += [(AREA_LOCKS | (rank << 40) | area, False) for area in reach.area_ids(level)]
    if keys:
        connection.execute(
            text(
                "SELECT CASE WHEN s THEN pg_advisory_xact_lock_shared(k) "
                "ELSE pg_advisory_xact_lock(k) END "
                "FROM unnest(CAST(:keys AS bigint[]), CAST(:shared AS boolean[])) AS l(k, s)"
            ).bindparams(bindparam("keys"), bindparam("shared")),
            {"keys": [k for k, _s in keys], "shared": [s for _k, s in keys]},
        )  # (a function scan returns the array's rows, and so locks them, in order)


def _village_key(village_id: int, quarter: str) -> int:
    """One 64-bit advisory lock key per (village, quarter); village 0 stands for the quarter."""
    year, number = int(quarter[:4]), int(quarter[5:])
    return VILLAGE_LOCKS | (village_id << 16) | (year * 4 + number - 1)


def rebuild(connection) -> int:
    """Switch the summary on and recompute it all from the answers, in the caller's transaction
    (the caller commits); answers the number of village rows written."""
    definitions = current_forms().indicators
    # first: see app/rollups/summary/state.py
    summary_state.switch(connection, True, definitions=definitions.fingerprint)
    indicators = definitions.indicators
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:
        # After a bulk load, before autovacuum has run: without statistics PostgreSQL plans the
        # quarter-wide tally badly (minutes instead of a second at province scale).
        connection.exec_driver_sql("ANALYZE inspections, answers")
    for table in TABLES:
        connection.execute(delete(table))
    quarters = sorted(connection.execute(select(inspections.c.quarter).distinct()).scalars())
    rows = sum(_store(connection, indicators, q, scope=None) for q in quarters)
    if postgresql:
        connection.exec_driver_sql("ANALYZE village_quarter_figures")  # for the sums below
    area_summary.rebuild(connection, quarters, [i.key for i in indicators])
    return rows


def switch_off(connection) -> None:
    """Switch the summary off and empty it (the caller commits): from then on writes leave it
    alone and roll-ups read the answers, until `rebuild`."""
    summary_state.switch(connection, False)  # first: see app/rollups/summary/state.py
    if connection.dialect.name == "postgresql":  # instant, unlike DELETE
        connection.exec_driver_sql(f"TRUNCATE {', '.join(t.name for t in TABLES)}")
    else:
        for table in TABLES:
            connection.execute(delete(table))  # SQLite's truncate fast path


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
