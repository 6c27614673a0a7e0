"""`flask rebuild-flags` on data stored before the checks existed: photos without a hash are
hashed from storage, every kind is found again (the earlier photo stays the original), a flag
still found keeps its clearing, and a flag no longer found goes."""

import pytest

from app.extensions import db
from app.models import Inspection, InspectionFlag, Photo
from bench import photo_corpus
from tests.integrity_world import flagged_world, flags_of, send_photo, submit
from tests.review_world import payload, sign_in


@pytest.fixture
def stored(seeded, client, auth_headers):
    fw = flagged_world(seeded, auth_headers)
    h = fw.headers["inspector"]
    picture = photo_corpus.jpeg(photo_corpus.scene(8))
    a = submit(client, h, fw.villages[0])
    b = submit(client, h, fw.villages[1])
    send_photo(client, h, a["client_uuid"], picture)
    send_photo(client, h, b["client_uuid"], photo_corpus.cropped(picture))
    copied = []
    for village in fw.villages[2:4]:
        body = payload(village, households=150, treated=60)
        copied.append(client.post("/api/v1/inspections", json=body, headers=h).get_json())
    return fw, a, b, copied


def as_before_the_checks(app):
    with app.app_context():
        db.session.execute(db.delete(InspectionFlag))
        db.session.execute(db.update(Photo).values(phash=None))
        db.session.commit()


def test_the_rebuild_finds_what_arrival_found(seeded, runner, stored):
    fw, a, b, copied = stored
    before = {
        i: sorted(flags_of(seeded, i)) for i in (a["id"], b["id"], *[c["id"] for c in copied])
    }
    assert before[b["id"]] == ["photo_reused"] and before[copied[1]["id"]] == ["copied_answers"]
    as_before_the_checks(seeded)
    result = runner.invoke(args=["rebuild-flags"])
    assert result.exit_code == 0, result.output
    assert "2 photos hashed (0 unreadable); 4 inspections checked" in result.output
    assert "copied_answers 1" in result.output and "photo_reused 1" in result.output
    after = {i: sorted(flags_of(seeded, i)) for i in before}
    assert after == before
    (match,) = flags_of(seeded, b["id"])["photo_reused"].evidence["matches"]
    assert match["original_inspection"] == a["id"]


def test_a_cleared_flag_stays_cleared_and_one_no_longer_found_goes(seeded, runner, stored):
    fw, a, b, copied = stored
    lead = sign_in(seeded, "lead")
    lead.post(f"/review/{b['id']}/flags/photo_reused/clear", data={"reason": "两村共用公厕"})
    with seeded.app_context():  # the copy's original is deleted: nothing left to copy from
        first = db.session.get(Inspection, copied[0]["id"])
        first.deleted_at, first.deleted_by_id = first.created_at, fw.world.users["county_admin"]
        first.delete_reason = "test"
        db.session.commit()
    assert runner.invoke(args=["rebuild-flags"]).exit_code == 0
    flag = flags_of(seeded, b["id"])["photo_reused"]
    assert flag.cleared_at is not None and flag.clear_reason == "两村共用公厕"
    assert flags_of(seeded, copied[1]["id"]) == {}
