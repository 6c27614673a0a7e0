"""No lost writes: phones post through a faulty network while gunicorn workers die.

A small run of the chaos check (bench/chaos.py; `make bench` runs it at full size): 20 phones ×
25 inspections = 500 against 4 real gunicorn workers on a free loopback port, with 10 % of
answers lost after the server committed, 5 % of uploads cut off half-way, one worker SIGKILLed
after 150 acknowledgements, and the whole server (master and workers) SIGKILLed after 350 and
started again. Every inspection must end up stored exactly once, complete, under the id the
phone was given, with no 5xx and no "database is locked" — on SQLite and on PostgreSQL.
"""

import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db
from bench.chaos import ChaosPlan, describe, run_chaos
from bench.cluster import Database, sqlite_database
from tests.conftest import DATABASES, PG_URL

pytestmark = pytest.mark.chaos


@pytest.fixture(params=DATABASES)
def scratch_database(request, tmp_path):
    """A database of its own for the server: a fresh SQLite file, or the PostgreSQL test
    database emptied (its tables dropped: the server's migration makes them)."""
    if request.param == "sqlite":
        database = sqlite_database(tmp_path)
        yield database
        database.drop()
        return
    database = Database(url=PG_URL, kind="postgresql")
    _empty_schema(database)
    yield database
    # Leave the tables as the session fixture made them, for the tests that follow.
    _empty_schema(database)
    app = create_app({"DATABASE_URL": PG_URL, "TESTING": True})
    with app.app_context():
        db.create_all()
        db.engine.dispose()


def _empty_schema(database):
    engine = database.engine()
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def test_no_acknowledged_inspection_is_lost_or_doubled(scratch_database, tmp_path):
    plan = ChaosPlan(phones=20, per_phone=25, kill_worker_at_acks=150, kill_server_at_acks=350)

    report = run_chaos(scratch_database, tmp_path, plan, preload=True)

    print(describe(scratch_database.kind, report))
    assert report.problems() == []
    # 20 phones × 25 inspections, each acknowledged once and stored once.
    assert report.sent == report.acknowledged == report.rows == 500
    assert report.workers_killed == 1 and report.server_killed
    # The faults really happened (fixed seed: these are the same on every run).
    assert report.ledger.dropped > 0 and report.ledger.cut > 0
    # Each lost answer was followed by a retry that the server answered as a replay (200).
    assert report.ledger.replays >= report.ledger.dropped
    if scratch_database.kind == "sqlite":
        assert report.integrity_after_crash == report.integrity_at_end == "ok"
    # Generous on a shared 2-core machine; the bench prints the real figure against 10 s.
    assert report.restart_serving_s < 60
