"""The summary's stored on/off state (app/rollups/summary/state.py): writes keep the summary only
while it
is on, and read the state inside their own transaction; a rebuild and a writer that overlap
serialise on the state row, whichever starts first (PostgreSQL, two connections, made to
overlap deterministically: one holds its transaction open until the other is seen waiting).
"""

import threading
import time
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from app.extensions import db
from app.formdefs.publication import ensure_published
from app.formdefs.registry import current_forms
from app.inspections.store import store_inspection
from app.models import User
from app.rollups.reports import rollup, trend
from app.rollups.summary import quarter as quarter_summary
from app.rollups.summary.state import is_on
from tests.review_world import make_world, payload
from tests.rollup_helpers import add_inspection
from tests.summary_helpers import assert_summary_is_live, summary_rows, switch_off, switch_on

SUMMARY_TABLES = ("village_quarter_figures", "area_quarter_figures")
# What keeping the summary adds to one new inspection's transaction, counted by hand:
# its place and village (locking read), its township's county (locking read), the advisory
# locks (PostgreSQL only), the village's delete, two tallies (all / approved only) and insert,
# then the township's and the county's delete + insert.
KEEPING = {"sqlite": 1 + 1 + 0 + 1 + 2 + 1 + 2 + 2, "postgresql": 1 + 1 + 1 + 1 + 2 + 1 + 2 + 2}


@contextmanager
def statements():
    """Every SQL statement sent, with BEGIN and COMMIT marked."""
    log: list[str] = []

    def executed(_conn, _cursor, statement, *_args):
        log.append(" ".join(statement.split()))

    listeners = (
        ("before_cursor_execute", executed),
        ("begin", lambda _conn: log.append("BEGIN")),
        ("commit", lambda _conn: log.append("COMMIT")),
    )
    for name, listener in listeners:
        event.listen(db.engine, name, listener)
    try:
        yield log
    finally:
        for name, listener in listeners:
            event.remove(db.engine, name, listener)


def one_submission(admin, code: str, households: int) -> list[str]:
    forms = current_forms()
    schema = forms.inspection_schema("en", date(2026, 11, 28))
    data = schema.load(payload(code, households=households, treated=households // 2))
    ensure_published(forms.form_set)  # the process's first write publishes the forms: not here
    db.session.commit()  # start the write on a fresh transaction, as a request does
    with statements() as log:
        store_inspection(data, admin, forms.form_set)
    return log


def test_writes_keep_the_summary_only_while_it_is_on(seeded):
    app = seeded
    world = make_world(app)
    with app.app_context():
        dialect = db.engine.dialect.name
        admin = db.session.get(User, world.users["county_admin"])
        off = one_submission(admin, world.village, 100)
        assert summary_rows() == 0
        touching = [s for s in off if any(t in s for t in SUMMARY_TABLES)]
        assert touching == []  # off: the write leaves the summary alone…
        state_reads = [i for i, s in enumerate(off) if "FROM summary_state" in s]
        assert len(state_reads) == 1  # …after reading the state once,
        read = state_reads[0]
        inserted = next(i for i, s in enumerate(off) if "INSERT INTO inspections" in s)
        committed = off.index("COMMIT")
        begun = [i for i, s in enumerate(off) if s in ("BEGIN", "BEGIN IMMEDIATE")]
        # …inside the writing transaction: after its insert, before its commit, no BEGIN between
        assert inserted < read < committed and not [b for b in begun if inserted < b < committed]
        if dialect == "sqlite":
            assert "BEGIN IMMEDIATE" in off[: inserted + 1]  # the write lock from the start
        else:
            assert off[read].endswith("FOR SHARE")

        # the rollup reads the answers while off
        assert rollup("2026Q4", "county")[0].indicators["sewage_treatment"].numerator == 50

        switch_on()
        on = one_submission(admin, world.other_village, 300)
        assert len(on) - len(off) == KEEPING[dialect], "\n".join(on)
        assert_summary_is_live(app)
        whole = rollup("2026Q4", "county")[0]
        assert (whole.villages_reported, whole.indicators["sewage_treatment"].numerator) == (
            2,
            50 + 150,
        )

        switch_off()
        assert summary_rows() == 0 and not is_on(db.session.connection())
        again = one_submission(admin, world.other_village, 200)
        assert len(again) == len(off) and summary_rows() == 0
        whole = rollup("2026Q4", "county")[0]  # the answers: 50 + 100 (the newer visit)
        assert whole.indicators["sewage_treatment"].numerator == 150


# PostgreSQL: the race between a writer's "is it on?" and a rebuild, made deterministic.


@pytest.fixture
def postgresql_app(seeded):
    with seeded.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the row lock is PostgreSQL's; SQLite's writers never overlap")
    return seeded


@contextmanager
def held_before_commit():
    """A session marked `hold` stops in before_commit, after the summary's own listener (so
    after it has read the state), until `go` is set; `reached` says it got there."""
    reached, go = threading.Event(), threading.Event()

    def hold(session):
        if session.info.pop("hold", False):
            reached.set()
            assert go.wait(60)

    event.listen(Session, "before_commit", hold)
    try:
        yield reached, go
    finally:
        go.set()
        event.remove(Session, "before_commit", hold)


def wait_until_waiting_for_a_lock(app, fragment: str) -> None:
    """Poll pg_stat_activity until some backend of this database waits on a lock while running a
    statement containing `fragment`."""
    deadline = time.monotonic() + 60
    with app.app_context(), db.engine.connect() as connection:
        while time.monotonic() < deadline:
            waiting = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query LIKE :fragment"
                ),
                {"fragment": f"%{fragment}%"},
            ).scalar()
            connection.rollback()  # pg_stat_activity is read once per transaction
            if waiting:
                return
            time.sleep(0.02)
    raise AssertionError(f"nothing waited on a lock running {fragment!r}")


def in_thread(app, work) -> threading.Thread:
    def run():
        with app.app_context():
            work()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def write(uid: int, households: int, hold: bool = False) -> None:
    add_inspection(uid, "140225101200", date(2026, 2, 1), households, heating={"central": 60})
    db.session.info["hold"] = hold
    db.session.commit()


def test_a_rebuild_waits_for_a_writer_that_saw_off_and_counts_its_inspection(
    postgresql_app, make_user
):
    app = postgresql_app
    uid = make_user("county_admin")
    with held_before_commit() as (reached, go):
        writer = in_thread(app, lambda: write(uid, 100, hold=True))
        assert reached.wait(60)  # the writer read "off" (FOR SHARE) and has not committed
        rebuild = in_thread(app, switch_on)
        wait_until_waiting_for_a_lock(app, "UPDATE summary_state")
        assert rebuild.is_alive()  # the rebuild waits for the writer's transaction…
        go.set()
        writer.join(60)
        rebuild.join(120)
    with app.app_context():
        assert is_on(db.session.connection())
        assert_summary_is_live(app)  # …so its snapshot holds the writer's inspection
        whole = rollup("2026Q1", "county")[0]
        assert whole.villages_reported == 1
        assert whole.indicators["clean_heating"].numerator == 60


def test_a_writer_waits_for_a_rebuild_under_way_and_then_keeps_the_summary(
    postgresql_app, make_user
):
    app = postgresql_app
    uid = make_user("county_admin")
    with app.app_context():
        write(uid, 100)  # something for the rebuild to count

    def rebuild_held_open():
        quarter_summary.rebuild(db.session.connection())
        db.session.info["hold"] = True
        db.session.commit()

    with held_before_commit() as (reached, go):
        rebuild = in_thread(app, rebuild_held_open)
        assert reached.wait(60)  # rebuilt, not committed: its snapshot lacks what comes next
        writer = in_thread(app, lambda: write(uid, 200))
        wait_until_waiting_for_a_lock(app, "FROM summary_state")
        assert writer.is_alive()  # the writer's state read waits for the rebuild…
        go.set()
        rebuild.join(120)
        writer.join(60)
    with app.app_context():
        assert_summary_is_live(app)  # …then sees "on" and recounts its village itself
        whole = rollup("2026Q1", "county")[0]
        assert whole.indicators["clean_heating"].denominator == 200  # the later visit


def test_while_off_every_read_gives_the_answers_figures(seeded, make_user):
    """The summary readers find it off in their own statement and read the answers instead."""
    app = seeded
    uid = make_user("county_admin")
    with app.app_context():
        add_inspection(uid, "140225101200", date(2026, 2, 1), 100, heating={"central": 60})
        add_inspection(uid, "140225102200", date(2026, 2, 1), 50, heating={"central": 35})
        db.session.commit()
        assert not is_on(db.session.connection())
        reads = (
            lambda: rollup("2026Q1", "county"),
            lambda: rollup("2026Q1", "township"),
            lambda: rollup("2026Q1", "village", "140225101"),
            lambda: trend("clean_heating", "county", "140225", ["2026Q1", "2026Q2"]),
            lambda: trend("clean_heating", "township", "140225102", ["2026Q1"]),
            lambda: trend("clean_heating", "village", "140225101200", ["2026Q1"]),
        )
        for read in reads:
            app.config["ROLLUP_SOURCE"] = "live"
            expected = read()
            app.config["ROLLUP_SOURCE"] = "auto"
            assert read() == expected
        whole = rollup("2026Q1", "county")[0].indicators["clean_heating"]
        assert (whole.numerator, whole.denominator, whole.villages_reported) == (95, 150, 2)
