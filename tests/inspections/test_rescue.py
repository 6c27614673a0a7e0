"""A phone's rescue file goes through the same idempotent store as the API, from the command
line and from the county admin's upload page."""

import base64
import io
import json
import uuid

from app.extensions import db
from app.models import Inspection, Photo
from tests.offline_helpers import YONGAN, jpeg_bytes, payload


def rescue_document(username, entries):
    return {
        "format": "cunjian-rescue",
        "version": 1,
        "username": username,
        "exported_at": "2026-11-03T10:00:00Z",
        "entries": entries,
    }


def entry(photo_count=1, **kwargs):
    body = payload(**kwargs)
    photos = [
        {
            "client_photo_id": str(uuid.uuid4()),
            "section": "sewage",
            "state": "waiting",
            "data": "data:image/jpeg;base64," + base64.b64encode(jpeg_bytes()).decode(),
        }
        for _ in range(photo_count)
    ]
    return {
        "client_uuid": body["client_uuid"],
        "payload": body,
        "photos": photos,
        "status": "waiting",
        "saved_at": "2026-11-02T09:00:00Z",
    }


def counts(app):
    with app.app_context():
        return (
            db.session.scalar(db.select(db.func.count()).select_from(Inspection)),
            db.session.scalar(db.select(db.func.count()).select_from(Photo)),
        )


def test_cli_import_is_idempotent_and_reports_bad_entries(seeded, runner, make_user, tmp_path):
    make_user("inspector", township=YONGAN, username="wang")
    bad = entry(photo_count=0)
    bad["payload"]["households"] = -5
    document = rescue_document("wang", [entry(photo_count=2), entry(), bad])
    path = tmp_path / "rescue.json"
    path.write_text(json.dumps(document))
    first = runner.invoke(args=["import-rescue", str(path)])
    assert first.exit_code == 0, first.output
    assert "inspections: 2 stored, 0 already there, 1 refused; photos: 3 stored" in first.output
    assert bad["client_uuid"] in first.output and "households" in first.output
    again = runner.invoke(args=["import-rescue", str(path)])
    assert (
        "inspections: 0 stored, 2 already there, 1 refused; photos: 0 stored, "
        "3 already there" in again.output
    )
    assert counts(seeded) == (2, 3)


def test_cli_needs_a_known_user(seeded, runner, tmp_path):
    path = tmp_path / "rescue.json"
    path.write_text(json.dumps(rescue_document("nobody", [entry()])))
    result = runner.invoke(args=["import-rescue", str(path)])
    assert result.exit_code != 0 and "--as-user" in result.output
    path.write_text("{not json")
    assert "not a JSON file" in runner.invoke(args=["import-rescue", str(path)]).output
    assert counts(seeded) == (0, 0)


def test_admin_upload_page(seeded, client, make_user):
    make_user("inspector", township=YONGAN, username="li")
    make_user("county_admin", username="boss", password="pw-boss-1234")
    make_user("inspector", township=YONGAN, username="li2", password="pw-li2-1234")
    document = json.dumps(rescue_document("li", [entry(), entry()])).encode()
    client.post("/login", data={"username": "li2", "password": "pw-li2-1234"})
    assert client.get("/admin/rescue").status_code == 403
    client.post("/logout")
    client.post("/login", data={"username": "boss", "password": "pw-boss-1234"})
    answer = client.post(
        "/admin/rescue?lang=en",
        content_type="multipart/form-data",
        data={"rescue_file": (io.BytesIO(document), "rescue.json")},
    )
    assert answer.status_code == 200
    assert "inspections: 2 stored, 0 already there, 0 refused" in answer.get_data(as_text=True)
    assert counts(seeded) == (2, 2)
    with seeded.app_context():
        owners = {i.inspector.username for i in db.session.execute(db.select(Inspection)).scalars()}
    assert owners == {"li"}  # stored as the inspector who made them, not the admin
