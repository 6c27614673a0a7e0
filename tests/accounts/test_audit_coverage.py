"""What the security review found unaudited or unguarded (issue 16, finding 9): target,
village-position, boundary and rescue changes and exports are in the audit log; a rescue file
cannot store inspections in the name of a viewer or an inactive user; the instance folder and
the SQLite database are the server account's alone."""

import json
import os
import sqlite3
import stat
import threading
import time

import pytest

from app import create_app
from app.extensions import db
from app.file_modes import private_folder
from app.models import AuditEvent, Inspection, User
from tests.inspections.test_rescue import entry, rescue_document
from tests.map_helpers import GPS_PLACED
from tests.maps.test_map_routes import admin, boundary_file, square  # noqa: F401 (fixture)
from tests.offline_helpers import YONGAN


def audit(app, action):
    with app.app_context():
        rows = db.session.execute(
            db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).scalars()
        return [(e.actor_name, e.object_type, e.object_id, e.details) for e in rows]


def test_target_location_boundary_and_export_changes_are_audited(admin, client, seeded):  # noqa: F811
    form = {
        "indicator": "film_recovery",
        "zone": "*",
        "value_percent": "45",
        "applies_from": "2027",
        "source": "县方案",
    }
    assert client.post("/admin/targets", data=form).status_code == 302
    [(name, kind, _id, details)] = audit(seeded, "target.change")
    assert (name, kind) == ("county_admin-county", "targets")
    assert details == {
        "indicator": "film_recovery",
        "zone": "*",
        "value": 0.45,
        "applies_from": "2027-01-01",
    }

    url = f"/map/villages/{GPS_PLACED}/location"
    assert client.post(url, data={"lat": "39.70", "lon": "113.69"}).status_code == 302
    [(name, kind, _id, details)] = audit(seeded, "village.locate")
    assert (kind, details["before"], details["after"]) == (
        "villages",
        "none",
        "39.700000,113.690000",
    )

    boundaries = boundary_file([square("140225100", 113.62, 39.68)])
    upload = client.post("/map/boundaries", data=boundaries, content_type="multipart/form-data")
    assert upload.status_code == 302
    [(name, kind, _id, details)] = audit(seeded, "boundary.upload")
    assert (kind, details["townships"]) == ("township_boundary_uploads", ["140225100"])

    export = client.get("/dashboard/export/townships.csv?period=2026Q4")
    assert export.status_code == 200 and export.get_data()  # streamed to the end
    exports = audit(seeded, "export")
    assert exports == [
        (
            "county_admin-county",
            "export",
            "townships",
            {"format": "csv", "period": "2026Q4", "scope": "140225"},
        )
    ]


def test_rescue_files_are_stored_only_as_someone_who_may_record(
    seeded, runner, make_user, tmp_path
):
    make_user("viewer", username="viewer1")
    make_user("inspector", township=YONGAN, username="gone")
    make_user("inspector", township=YONGAN, username="wang")
    with seeded.app_context():
        db.session.execute(db.update(User).where(User.username == "gone").values(active=False))
        db.session.commit()
    path = tmp_path / "rescue.json"
    for name in ("viewer1", "gone"):
        path.write_text(json.dumps(rescue_document(name, [entry(photo_count=0)])))
        result = runner.invoke(args=["import-rescue", str(path)])
        assert result.exit_code != 0 and "may not record inspections" in result.output, name
    with seeded.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Inspection)) == 0
    path.write_text(json.dumps(rescue_document("wang", [entry(photo_count=1)])))
    assert runner.invoke(args=["import-rescue", str(path)]).exit_code == 0
    [(_name, kind, _id, details)] = audit(seeded, "rescue.import")
    assert (kind, details["as_user"], details["stored"], details["photos"]) == (
        "users",
        "wang",
        1,
        1,
    )


def test_the_instance_folder_and_database_are_private(tmp_path):
    database = tmp_path / "data" / "cunjian.sqlite3"
    database.parent.mkdir()
    old = os.umask(0o022)  # the usual umask: files 0644, folders 0755
    try:
        app = create_app(
            {"TESTING": True, "SECRET_KEY": "k" * 40, "DATABASE_URL": f"sqlite:///{database}"}
        )
        with app.app_context():
            db.create_all()
            db.session.remove()
            db.engine.dispose()
        private_folder(tmp_path / "instance")
    finally:
        os.umask(old)
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "instance").stat().st_mode) == 0o700
    assert stat.S_IMODE(os.stat(app.instance_path).st_mode) == 0o700


def test_an_export_is_audited_while_another_request_writes_on_sqlite(admin, client, seeded):  # noqa: F811
    """The export's event waits for the write lock on a connection of its own; written in the
    GET's read transaction it would fail with "database is locked" once the other writer
    committed (the read snapshot is stale)."""
    url = seeded.config["DATABASE_URL"]
    if not url.startswith("sqlite"):
        pytest.skip("the read-to-write upgrade is SQLite's")
    holding, results = threading.Event(), []

    def other_writer():
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO login_failures (at, username, ip) VALUES ('2026-01-01', 'x', '-')"
        )
        holding.set()
        time.sleep(0.5)
        connection.execute("COMMIT")
        connection.close()
        results.append("committed")

    thread = threading.Thread(target=other_writer)
    thread.start()
    assert holding.wait(5)
    export = client.get("/dashboard/export/villages.csv?period=2026Q4")
    body = export.get_data()
    thread.join(5)
    assert export.status_code == 200 and body and results == ["committed"]
    assert [e[2] for e in audit(seeded, "export")] == ["villages"]
