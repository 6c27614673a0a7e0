"""photo_reused with real JPEGs (bench/photo_corpus.py scenes): the same file for two villages, a
messenger's resized and recompressed copy, a 10 % crop, a problem photo reusing an inspection
photo are flagged on the later inspection, naming the original; another photo of a similar scene,
and a retake within one inspection, are not."""

import io
import uuid

import pytest

from app.extensions import db
from app.models import Photo
from bench import photo_corpus
from tests.integrity_world import flagged_world, flags_of, send_photo, submit


@pytest.fixture
def fw(seeded, auth_headers):
    return flagged_world(seeded, auth_headers)


@pytest.fixture(scope="module")
def original() -> bytes:
    return photo_corpus.jpeg(photo_corpus.scene(8))


def photo_id(app, inspection_id) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Photo.id).where(Photo.inspection_id == inspection_id))


def reused_after(app, client, fw, first_bytes, second_bytes):
    h = fw.headers["inspector"]
    a = submit(client, h, fw.villages[0])
    b = submit(client, h, fw.villages[1])
    send_photo(client, h, a["client_uuid"], first_bytes)
    send_photo(client, h, b["client_uuid"], second_bytes)
    return a, b


@pytest.mark.parametrize("copy", [None, "reencoded", "resized_q40", "cropped_10pct"], ids=str)
def test_the_same_picture_for_another_village_is_flagged_naming_the_original(
    seeded, client, fw, original, copy
):
    second = original if copy is None else photo_corpus.COPIES[copy](original)
    a, b = reused_after(seeded, client, fw, original, second)
    flags = flags_of(seeded, b["id"])
    assert list(flags) == ["photo_reused"]
    (match,) = flags["photo_reused"].evidence["matches"]
    assert match["photo"] == ["inspection", photo_id(seeded, b["id"])]
    assert match["original"] == ["inspection", photo_id(seeded, a["id"])]
    assert match["original_inspection"] == a["id"]
    assert match["bits"] <= seeded.config["PHOTO_REUSE_MAX_BITS"]
    if copy is None:
        assert match["bits"] == 0
    assert flags_of(seeded, a["id"]) == {}  # the first to arrive is the original


def test_another_photo_of_a_similar_scene_is_not_flagged(seeded, client, fw, original):
    # Variant 4 of scene 8: the same kind of place, shapes moved, other light (20 bits apart;
    # docs/integrity.md: one similar-scene pair in five is nearer than the threshold).
    similar = photo_corpus.jpeg(photo_corpus.scene(8, 4))
    a, b = reused_after(seeded, client, fw, original, similar)
    assert flags_of(seeded, b["id"]) == {}


def test_a_retake_within_one_inspection_is_not_a_reuse(seeded, client, fw, original):
    h = fw.headers["inspector"]
    a = submit(client, h, fw.villages[0])
    send_photo(client, h, a["client_uuid"], original)
    send_photo(client, h, a["client_uuid"], original, section="general")
    assert flags_of(seeded, a["id"]) == {}


def problem_photo(client, headers, village, inspection_id, data):
    """Record a problem on the inspection and send `data` as its found-stage photo."""
    problem = client.post(
        "/api/v1/problems",
        json={
            "client_uuid": str(uuid.uuid4()),
            "village_code": village,
            "inspection_id": inspection_id,
            "category": "straw_burning",
            "description": "秸秆焚烧",
        },
        headers=headers,
    ).get_json()
    return client.post(
        f"/api/v1/problems/{problem['client_uuid']}/photos",
        data={
            "client_photo_id": str(uuid.uuid4()),
            "stage": "found",
            "photo": (io.BytesIO(data), "p.jpg", "image/jpeg"),
        },
        headers=headers,
        content_type="multipart/form-data",
    )


def test_a_problem_photo_reusing_an_inspection_photo_flags_the_problems_inspection(
    seeded, client, fw, original
):
    h = fw.headers["inspector"]
    a = submit(client, h, fw.villages[0])
    b = submit(client, h, fw.villages[1])
    send_photo(client, h, a["client_uuid"], original)
    resent = photo_corpus.resized_recompressed(original)
    sent = problem_photo(client, h, fw.villages[1], b["id"], resent)
    assert sent.status_code == 201, sent.get_json()
    flags = flags_of(seeded, b["id"])
    (match,) = flags["photo_reused"].evidence["matches"]
    assert match["photo"] == ["problem", sent.get_json()["id"]]
    assert match["original"] == ["inspection", photo_id(seeded, a["id"])]
    assert match["original_inspection"] == a["id"]


def test_a_problem_photo_of_what_its_own_inspection_found_is_no_reuse(seeded, client, fw, original):
    h = fw.headers["inspector"]
    a = submit(client, h, fw.villages[0])
    send_photo(client, h, a["client_uuid"], original)
    sent = problem_photo(client, h, fw.villages[0], a["id"], original)
    assert sent.status_code == 201
    assert flags_of(seeded, a["id"]) == {}


def test_last_quarters_photo_of_the_same_village_sent_again_is_flagged(
    seeded, client, fw, original
):
    h = fw.headers["inspector"]
    summer = submit(client, h, fw.villages[0], inspected_on="2026-08-14")
    autumn = submit(client, h, fw.villages[0])
    send_photo(client, h, summer["client_uuid"], original)
    send_photo(client, h, autumn["client_uuid"], photo_corpus.reencoded(original))
    (match,) = flags_of(seeded, autumn["id"])["photo_reused"].evidence["matches"]
    assert match["original_inspection"] == summer["id"]
