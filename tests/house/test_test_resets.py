"""The tests' own resets leave the database as create_all made it (tests/pg_reset.py): the
reference marker's and the summary state's one rows stay, or come back. A reset that removed
the marker's row once made every later test in the process run with the reference cache off,
and the statement budgets failed only when tests/sites ran first on PostgreSQL."""

import pytest

from app.extensions import db
from tests.api_payloads import clear_activity
from tests.pg_reset import empty_postgresql


def one_rows(app) -> tuple:
    with app.app_context():
        marker = db.session.execute(db.text("SELECT id, token FROM reference_marker")).all()
        state = db.session.execute(db.text("SELECT id, enabled FROM summary_state")).all()
    return marker, state


def test_clearing_a_module_apps_activity_keeps_the_one_row_tables(app):
    assert one_rows(app)[1] == [(1, False)]
    clear_activity(app)
    [(marker_id, token)], state = one_rows(app)
    assert (marker_id, len(token) in (32, 36), state) == (1, True, [(1, False)])


def test_a_postgresql_reset_brings_back_rows_a_test_removed(app):
    if app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("SQLite gets a fresh file per test")
    with app.app_context():
        db.session.execute(db.text("DELETE FROM reference_marker"))
        db.session.execute(db.text("DELETE FROM summary_state"))
        db.session.commit()
    assert one_rows(app) == ([], [])
    empty_postgresql(app.config["DATABASE_URL"])
    [(marker_id, token)], state = one_rows(app)
    assert (marker_id, len(token), state) == (1, 36, [(1, False)])  # a uuid, the summary off
