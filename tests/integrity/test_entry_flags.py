"""too_fast, copied_answers and photo_old, with their boundaries: a full inspection in 90 s is
flagged and one in 300 s or a one-section one in 60 s is not; every filled numeric answer equal
to another village's of the same quarter is a copy, of the previous quarter or with one answer
different is not; a photo 30 days older than the inspection date is old, 29 days is not."""

from datetime import date

import pytest
from PIL import Image

from app.demo.plan import VillagePlan
from app.formdefs.registry import current_forms
from bench import photo_corpus
from tests.integrity_world import flagged_world, flags_of, send_photo, submit
from tests.review_world import payload


@pytest.fixture
def fw(seeded, auth_headers):
    return flagged_world(seeded, auth_headers)


def full_body(app, village: str) -> dict:
    """Every section filled, as the demo's phones send them."""
    with app.app_context():
        form_set = current_forms().form_set
    body = VillagePlan(village, "plain", 300).submission(
        "2026Q4", 0.5, date(2026, 11, 20), form_set
    )
    body.pop("client_uuid", None)
    return {k: v for k, v in body.items() if k != "client_uuid"}


@pytest.mark.parametrize(
    ("sections", "saved", "flagged"),
    [("all", "10:01:30", True), ("all", "10:05:00", False), ("sewage", "10:01:00", False)],
)
def test_a_full_inspection_entered_in_90_seconds_is_too_fast(
    seeded, client, fw, sections, saved, flagged
):
    body = full_body(seeded, fw.villages[0]) if sections == "all" else {}
    times = {"opened_at": "2026-11-20T10:00:00+08:00", "saved_at": f"2026-11-20T{saved}+08:00"}
    stored = submit(client, fw.headers["inspector"], fw.villages[0], **body, **times)
    flags = flags_of(seeded, stored["id"])
    if not flagged:
        assert "too_fast" not in flags
        return
    assert flags["too_fast"].evidence == {
        "opened_at": "2026-11-20 10:00",
        "saved_at": "2026-11-20 10:01",
        "seconds": 90,
        "min_seconds": 180,
    }


def test_times_are_optional_and_must_carry_their_offset(seeded, client, fw):
    h = fw.headers["inspector"]
    stored = submit(client, h, fw.villages[0])
    assert flags_of(seeded, stored["id"]) == {}
    naive = payload(fw.villages[0])
    naive["opened_at"] = "2026-11-20T10:00:00"
    answer = client.post("/api/v1/inspections", json=naive, headers=h)
    assert answer.status_code == 422
    assert "opened_at" in answer.get_json()["errors"]


def copy_of(client, fw, village, inspected_on, **changes):
    body = payload(village, households=150, treated=60)
    body["inspected_on"] = inspected_on
    body["sections"]["manure"].update(changes)
    return client.post("/api/v1/inspections", json=body, headers=fw.headers["inspector"]).get_json()


def test_answers_equal_to_another_villages_of_the_same_quarter_are_copied(seeded, client, fw):
    first = copy_of(client, fw, fw.villages[0], "2026-10-01")
    copied = copy_of(client, fw, fw.villages[1], "2026-11-27")
    flag = flags_of(seeded, copied["id"])["copied_answers"]
    # households, households_treated, facility_running (1), produced_t, utilised_t
    assert flag.evidence == {
        "others": [{"inspection": first["id"], "village": fw.villages[0]}],
        "fields": 5,
        "quarter": "2026Q4",
    }
    assert flags_of(seeded, first["id"]) == {}  # the first is the original


def test_the_previous_quarter_or_one_answer_different_is_no_copy(seeded, client, fw):
    copy_of(client, fw, fw.villages[0], "2026-09-30")  # 2026Q3
    next_quarter = copy_of(client, fw, fw.villages[1], "2026-10-01")
    assert flags_of(seeded, next_quarter["id"]) == {}
    one_off = copy_of(client, fw, fw.villages[2], "2026-10-02", utilised_t=7.6)
    assert flags_of(seeded, one_off["id"]) == {}
    same_village = copy_of(client, fw, fw.villages[1], "2026-10-03")  # its own again: no copy
    assert "copied_answers" not in flags_of(seeded, same_village["id"])


def exif_taken(when: str) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make: Pillow writes the Exif sub-IFD only under some IFD0 tag
    exif.get_ifd(0x8769)[0x9003] = when  # DateTimeOriginal, and no DateTime
    return exif


@pytest.mark.parametrize(
    ("taken", "days"), [("2026:10:21 09:00:00", 30), ("2026:10:22 09:00:00", None)]
)
def test_a_photo_taken_30_days_before_the_inspection_is_old(seeded, client, fw, taken, days):
    h = fw.headers["inspector"]
    stored = submit(client, h, fw.villages[0])  # inspected 2026-11-20
    picture = photo_corpus.jpeg(photo_corpus.scene(3), exif=exif_taken(taken))
    photo = send_photo(client, h, stored["client_uuid"], picture)
    flags = flags_of(seeded, stored["id"])
    if days is None:
        assert flags == {}
        return
    assert flags["photo_old"].evidence == {
        "photos": [{"photo": photo["id"], "taken_at": taken, "days": 30}],
        "limit_days": 30,
    }


def test_an_edit_that_makes_the_answers_differ_withdraws_the_copy_flag(seeded, client, fw):
    copy_of(client, fw, fw.villages[0], "2026-10-01")
    body = payload(fw.villages[1], households=150, treated=60)
    body["inspected_on"] = "2026-11-02"
    h = fw.headers["inspector"]
    copied = client.post("/api/v1/inspections", json=body, headers=h).get_json()
    assert "copied_answers" in flags_of(seeded, copied["id"])
    body["sections"]["manure"]["utilised_t"] = 6.0  # what the inspector really counted
    edited = client.put(f"/api/v1/inspections/{copied['id']}", json=body, headers=h)
    assert edited.status_code == 200, edited.get_json()
    assert flags_of(seeded, copied["id"]) == {}
