"""Reference data is cached per process (app/reference.py) and never served stale (issue 21).

Two apps on one database stand for two gunicorn workers: the reader warms its cache, the other
changes villages (kinds, zones), targets, a target's path or a setting and commits, and the
reader's next roll-up shows the change. The figures are tests/province_scenario.py's, worked by
hand there; the changes are worked here.
"""

from datetime import date

import pytest
from sqlalchemy import event

from app import create_app
from app.extensions import db
from app.models import Township, User, Village
from app.reference import cached, current_token
from app.rollups.reports import rollup, trend
from app.rollups.summary import quarter as quarter_summary
from app.rollups.target_path import TargetPath
from app.rollups.targets import add_target
from app.settings import get_setting, set_setting
from tests import province_scenario as ps
from tests.rollup_helpers import by_code

HEATING, MANURE = "clean_heating", "manure_utilisation"


@pytest.fixture(params=["live", "summary"])
def reader(request, app):
    """The worker that reads: the scenario from the answers or from the summary."""
    ps.build(app)
    app.config["ROLLUP_SOURCE"] = "live" if request.param == "live" else "auto"
    with app.app_context():
        if request.param == "summary":
            assert quarter_summary.rebuild(db.session.connection()) > 0
            db.session.commit()
    return app


@pytest.fixture
def writer(app):
    """Another worker on the same database, with its own process-local cache."""
    other = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": app.config["DATABASE_URL"],
            "SECRET_KEY": app.config["SECRET_KEY"],
        }
    )
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def province(app):
    with app.app_context():
        (top,) = rollup("2026Q1", "province")
        db.session.rollback()  # a request's end: its transaction ends
        return top


def admin(app):
    return db.session.scalar(db.select(User).where(User.username == "province-builder"))


def test_unit_kinds_and_new_villages_are_read_again_after_a_change(reader, writer):
    top = province(reader)
    assert top.villages_total == 10
    assert (top.indicators[HEATING].units, top.indicators[MANURE].units) == (10, 10)
    with writer.app_context():
        b2q = db.session.scalar(db.select(Village).where(Village.code == ps.code("b2q")))
        b2q.kind = "community"  # clean heating counts communities, manure does not
        a1 = db.session.scalar(db.select(Township).where(Township.code == ps.A1))
        db.session.add(Village(code=f"{ps.A1}001", name="新社区", township=a1, kind="community"))
        db.session.commit()
    top = province(reader)
    assert top.villages_total == 11
    # 10 + 1 units for clean heating; 10 − 1 administrative villages for manure
    assert (top.indicators[HEATING].units, top.indicators[MANURE].units) == (11, 9)
    with reader.app_context():  # the trend counts the same units
        (_period, result), *_ = trend(HEATING, "province", ps.PROVINCE, ["2026Q1"])
        assert result.units == 11


def test_a_village_moved_to_another_zone_is_judged_by_its_new_target(reader):
    with reader.app_context():
        a2 = by_code(rollup("2026Q1", "township", ps.A))[ps.A2]
        assert a2.indicators[HEATING].target == pytest.approx(1.00)  # a2p plain, a2u unknown
        db.session.rollback()
        a2u = db.session.scalar(db.select(Village).where(Village.code == ps.code("a2u")))
        a2u.zone = "mountain"
        db.session.commit()
        a2 = by_code(rollup("2026Q1", "township", ps.A))[ps.A2]
        # (200 × 1.00 + 50 × 0.70) / 250 = 235 / 250
        assert a2.indicators[HEATING].target == pytest.approx(235 / 250)
        assert a2.villages_total == 2


def test_a_new_target_is_read_again(reader, writer):
    assert province(reader).indicators[HEATING].target == pytest.approx(1270 / 1450)
    with writer.app_context():
        add_target(HEATING, "plain", 0.90, date(2026, 1, 1), admin(writer))
        db.session.commit()
    # plain villages a1p 400, a2p 200, b2p 100 households: 1270 − 700 × 0.10 = 1200
    assert province(reader).indicators[HEATING].target == pytest.approx(1200 / 1450)


def test_a_new_path_is_read_again(reader, writer):
    def a1p():
        with reader.app_context():
            villages = by_code(rollup("2026Q1", "village", ps.A1))
            db.session.rollback()
            return villages[ps.code("a1p")].indicators[HEATING]

    assert a1p().path_expected == pytest.approx(1.00)
    with writer.app_context():
        path = TargetPath(1.00, 0.5, date(2025, 12, 31), date(2026, 12, 31))
        add_target(HEATING, "plain", 1.00, date(2026, 1, 1), admin(writer), path=path)
        db.session.commit()
    # at the quarter's end, 2026-03-31: 0.5 + 0.5 × 90 / 365
    assert a1p().path_expected == pytest.approx(0.5 + 0.5 * 90 / 365)
    assert a1p().path_status == "on_track"  # 300 / 400 = 0.75: below 1.00, above 0.623


def test_settings_are_read_again(reader, writer):
    heating = province(reader).indicators[HEATING]
    assert (heating.status, heating.coverage) == ("near", pytest.approx(0.8))
    with writer.app_context():
        set_setting("reports.coverage_threshold", 0.9, admin(writer))
        db.session.commit()
    assert province(reader).indicators[HEATING].status == "insufficient_data"  # 8 of 10
    with writer.app_context():
        set_setting("reports.approved_only", True, admin(writer))  # nothing is approved
        db.session.commit()
    heating = province(reader).indicators[HEATING]
    assert (heating.villages_reported, heating.status) == (0, "no_data")


def test_a_change_is_seen_by_its_own_transaction_and_forgotten_when_rolled_back(reader):
    with reader.app_context():
        before = current_token()
        assert get_setting("reports.coverage_threshold") == 0
        set_setting("reports.coverage_threshold", 0.5, admin(reader))  # not flushed yet
        assert get_setting("reports.coverage_threshold") == 0.5
        assert current_token() != before
        db.session.rollback()
        assert current_token() == before
        assert get_setting("reports.coverage_threshold") == 0


def test_the_token_changes_with_every_watched_table(app):
    ps.build(app)
    with app.app_context():
        tokens = [current_token()]
        db.session.rollback()
        for statement in (
            "UPDATE counties SET name = name",
            "UPDATE townships SET name = name",
            "UPDATE villages SET name = name",
            "UPDATE targets SET value = value",
            "UPDATE settings SET value = value",
            "INSERT INTO coefficients (key, label_zh, label_en, value, unit, scope, source, grade,"
            " unverified, applies_from, note) VALUES ('k', '系数', 'k', 1.0, 't', 'county', 's',"
            " 'C', false, '2026-01-01', '')",
            "DELETE FROM coefficients",
        ):
            db.session.execute(db.text(statement))
            db.session.commit()
            tokens.append(current_token())
            db.session.rollback()
        assert len(set(tokens)) == len(tokens)


def test_without_the_marker_row_every_value_is_computed_and_the_token_read_once(app, caplog):
    """A schema emptied by hand: nothing cached (never a stale answer), the missing row read
    once per transaction (not once per value) and logged once per app."""
    with app.app_context():
        db.session.execute(db.text("DELETE FROM reference_marker"))
        db.session.commit()
        computed = []
        seen = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
        for _ in range(3):
            assert cached("k", lambda: computed.append(1) or len(computed)) == len(computed)
        db.session.rollback()
        assert cached("k", lambda: computed.append(1) or len(computed)) == 4
        marker_reads = [s for s in seen if "FROM reference_marker" in s]
        assert (len(computed), len(marker_reads)) == (4, 2)  # 2 transactions
        warnings = [r for r in caplog.records if "reference_marker has no row" in r.message]
        assert len(warnings) == 1
