"""Photo uploads cannot stall the others (issue 16, findings 1, 2 and the photo parts of 9): the
pixel cap is read from the header before any decoding, decodes run outside any transaction and a
bounded number at a time, and photos go only to live, unapproved inspections, a limited number
of them, without the JPEG comment."""

import io
import threading
import time
import uuid

import pytest
from PIL import Image, ImageFile

from app.clock import utc_now
from app.extensions import db
from app.models import AuditEvent, Inspection, Photo
from app.photos import images
from tests.inspections.test_photos import photo_rows, stored, upload  # noqa: F401 (fixture)
from tests.offline_helpers import jpeg_bytes, payload


def png_bytes(size) -> bytes:
    out = io.BytesIO()
    Image.new("1", size).save(out, "PNG")  # all black: a few KB for millions of pixels
    return out.getvalue()


def test_an_image_over_the_pixel_cap_is_refused_from_its_header(client, stored, monkeypatch):  # noqa: F811
    bomb = png_bytes((3000, 2000))  # 6 Mpx in a few KB: over the 5 Mpx default
    assert len(bomb) < 10_000

    def no_decoding(_image):
        raise AssertionError("decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    response = upload(client, stored, bomb, name="bomb.png", mimetype="image/png")
    assert response.status_code == 422
    assert response.json["errors"]["photo"] == ["The photo is damaged or too large to read"]
    assert photo_rows(stored["app"]) == 0
    monkeypatch.undo()
    fits = upload(client, stored, png_bytes((2000, 1500)), mimetype="image/png")  # 3 Mpx
    assert fits.status_code == 201 and (fits.json["width"], fits.json["height"]) == (2000, 1500)


class SlowDecode:
    """images.clean, held until the test lets it go (a decode that takes seconds)."""

    def __init__(self, monkeypatch):
        self.started, self.release = threading.Event(), threading.Event()
        self.released_in_time = None
        real = images.clean

        def slow(data, max_pixels):
            self.started.set()
            self.released_in_time = self.release.wait(5)
            return real(data, max_pixels)

        monkeypatch.setattr(images, "clean", slow)


def upload_in_thread(app, stored, results):  # noqa: F811
    def run():
        results.append(upload(app.test_client(), stored, jpeg_bytes()).status_code)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_other_writes_proceed_while_a_photo_decodes_on_sqlite(app, stored, monkeypatch):  # noqa: F811
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("the write lock held through a decode was SQLite's")
    slow = SlowDecode(monkeypatch)
    results = []
    thread = upload_in_thread(app, stored, results)
    assert slow.started.wait(5)
    began = time.monotonic()
    other = app.test_client().post("/api/v1/inspections", json=payload(), headers=stored["headers"])
    waited = time.monotonic() - began
    slow.release.set()
    thread.join(10)
    assert other.status_code == 201 and waited < 2
    assert slow.released_in_time is True  # the write did not wait for the decode to end
    assert results == [201]


def test_decodes_beyond_the_slots_are_told_to_come_back(app, stored, monkeypatch):  # noqa: F811
    app.config["PHOTO_DECODE_SLOTS"] = 1
    slow = SlowDecode(monkeypatch)
    results = []
    thread = upload_in_thread(app, stored, results)
    assert slow.started.wait(5)
    busy = upload(app.test_client(), stored, jpeg_bytes(colour=(0, 9, 9)))
    slow.release.set()
    thread.join(10)
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
    assert busy.json["error"]["code"] == "busy"
    assert results == [201] and photo_rows(stored["app"]) == 1


def set_inspection(app, client_uuid, **values):
    with app.app_context():
        row = db.session.execute(
            db.select(Inspection).where(Inspection.client_uuid == client_uuid)
        ).scalar_one()
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()


def test_photos_only_for_live_unapproved_inspections_and_at_most_the_cap(client, stored):  # noqa: F811
    app = stored["app"]
    app.config["PHOTO_MAX_PER_INSPECTION"] = 2
    first, second = upload(client, stored, jpeg_bytes()), upload(client, stored, jpeg_bytes())
    assert (first.status_code, second.status_code) == (201, 201)
    third = upload(client, stored, jpeg_bytes())
    assert third.status_code == 422
    assert third.json["errors"]["photo"] == ["This inspection has the most photos allowed"]
    app.config["PHOTO_MAX_PER_INSPECTION"] = 40
    set_inspection(app, stored["uuid"], status="approved")
    approved = upload(client, stored, jpeg_bytes())
    assert approved.status_code == 409 and approved.json["error"]["code"] == "inspection_closed"
    set_inspection(app, stored["uuid"], status="submitted", deleted_at=utc_now())
    assert upload(client, stored, jpeg_bytes()).status_code == 404
    listing = client.get(f"/api/v1/inspections/{stored['uuid']}/photos", headers=stored["headers"])
    assert listing.status_code == 404
    assert client.get(first.json["url"], headers=stored["headers"]).status_code == 404
    assert photo_rows(app) == 2
    with app.app_context():  # each stored photo is in the audit log
        actions = db.session.scalars(
            db.select(AuditEvent.object_id).where(AuditEvent.action == "photo.create")
        ).all()
        ids = db.session.scalars(db.select(Photo.id).order_by(Photo.id)).all()
    assert sorted(actions) == [str(i) for i in ids]


def test_the_jpeg_comment_is_stripped(client, stored):  # noqa: F811
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 20, 30)).save(out, "JPEG", comment=b"lat 39.7 owner Wang")
    assert b"owner Wang" in out.getvalue()
    response = upload(client, stored, out.getvalue(), photo_id=str(uuid.uuid4()))
    assert response.status_code == 201
    served = client.get(response.json["url"], headers=stored["headers"]).data
    assert served.startswith(b"\xff\xd8") and b"owner Wang" not in served
