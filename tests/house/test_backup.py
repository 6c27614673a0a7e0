"""`flask --app wsgi backup DEST` while the app writes, and `restore SRC`.

A thread stores inspections (each one transaction: the inspection, its 20 answers, its first
revision) before, during and after the backup. The copy must be one committed state: as many
answers as 20 × inspections, one revision each, and a count between the one before the backup
started and the one after it ended. Restoring it over the live database brings exactly that state
back (fewer rows than were written by then), and only with --force.
"""

import random
import shutil
import sqlite3
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import county_today
from app.extensions import db
from app.formdefs.registry import current_forms
from app.inspections.store import store_inspection
from app.models import Answer, Inspection, InspectionRevision, User, Village
from bench.phones import ANSWERS_PER_INSPECTION, inspection_payload

TOWNSHIP = "140225101"


class Writer(threading.Thread):
    """Stores valid inspections one transaction at a time until stopped."""

    def __init__(self, app, user_id):
        super().__init__(daemon=True)
        self.app, self.user_id = app, user_id
        self.stop = threading.Event()
        self.written = 0
        self.failure = None

    def run(self):
        rng = random.Random(5)
        with self.app.app_context():
            try:
                forms = current_forms()
                actor = db.session.get(User, self.user_id)
                codes = (
                    db.session.execute(
                        select(Village.code)
                        .join(Village.township)
                        .where(Village.township.has(code=TOWNSHIP))
                    )
                    .scalars()
                    .all()
                )
                today = county_today() - timedelta(days=1)
                while not self.stop.is_set() and self.written < 5000:
                    payload = inspection_payload(rng, rng.choice(codes), today)
                    data = forms.inspection_schema("en", county_today()).load(payload)
                    store_inspection(data, actor, forms.form_set)
                    self.written += 1
            except Exception as exc:  # noqa: BLE001 - reported by the test
                self.failure = exc
            finally:
                db.session.remove()

    def wait_for(self, count, timeout=60):
        for _ in range(int(timeout * 100)):
            if self.written >= count or self.failure or not self.is_alive():
                return
            self.stop.wait(0.01)


def counts(app):
    with app.app_context():
        out = tuple(
            db.session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (Inspection, Answer, InspectionRevision)
        )
        db.session.remove()
        return out


def sqlite_counts(path):
    connection = sqlite3.connect(path)
    try:
        return tuple(
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("inspections", "answers", "inspection_revisions")
        )
    finally:
        connection.close()


def test_backup_during_writes_is_one_committed_state_and_restores(
    seeded, make_user, runner, tmp_path
):
    app = seeded
    is_sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    if not is_sqlite and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed")
    writer = Writer(app, make_user("inspector", township=TOWNSHIP))
    dest = tmp_path / "backup.db"
    writer.start()
    try:
        writer.wait_for(5)
        before = counts(app)[0]
        result = runner.invoke(args=["backup", str(dest)])
        after_backup = writer.written
        writer.wait_for(after_backup + 5)  # keep writing past the backup point
    finally:
        writer.stop.set()
        writer.join(timeout=60)
    assert writer.failure is None, writer.failure
    assert result.exit_code == 0, result.output
    assert "backed up to" in result.output
    final = counts(app)
    assert final[0] == writer.written >= after_backup + 5

    if is_sqlite:
        conn = sqlite3.connect(dest)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        copied = sqlite_counts(dest)
        # One committed state: every inspection whole (20 answers, 1 revision), none half-there.
        assert copied[1] == ANSWERS_PER_INSPECTION * copied[0]
        assert copied[2] == copied[0]
        assert before <= copied[0] <= final[0]

    # A second backup to the same place is refused unless forced.
    refused = runner.invoke(args=["backup", str(dest)])
    assert refused.exit_code != 0 and "--force" in refused.output

    # Restoring over a database with data needs --force; then the backup's state is back.
    refused = runner.invoke(args=["restore", str(dest)])
    assert refused.exit_code != 0 and "--force" in refused.output
    assert counts(app) == final
    restored = runner.invoke(args=["restore", "--force", str(dest)])
    assert restored.exit_code == 0, restored.output
    back = counts(app)
    assert back[1] == ANSWERS_PER_INSPECTION * back[0] and back[2] == back[0]
    assert before <= back[0] < final[0]  # the rows written after the backup are gone again
    if is_sqlite:
        assert back == copied


def test_restore_refuses_a_missing_or_broken_backup(app, runner, tmp_path):
    missing = runner.invoke(args=["restore", str(tmp_path / "nothing.db")])
    assert missing.exit_code != 0 and "no backup at" in missing.output
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        broken = tmp_path / "broken.db"
        broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
        result = runner.invoke(args=["restore", "--force", str(broken)])
        assert result.exit_code != 0 and "is not a sound SQLite database" in result.output
