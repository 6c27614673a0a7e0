"""Where flags show and who clears them: the review page puts both photos of a reuse side by
side with the other village; a township lead of that township clears a flag only with a reason,
kept on the flag and in the audit log, after which it no longer holds the inspection out of batch
approval; an inspector (403) and the other township's lead (404) cannot. The API document carries
`flags` for reviewers only; /inspect/flags and /admin/data-quality count them per quarter,
township and inspector, and the export lists each flag's kind."""

import csv
import io

import pytest

from app.extensions import db
from app.models import AuditEvent, Photo
from bench import photo_corpus
from tests.integrity_world import flagged_world, flags_of, send_photo, submit
from tests.review_world import sign_in


@pytest.fixture
def reused(seeded, client, auth_headers):
    """Inspection `b` reuses `a`'s photo (both of 西坊城镇, by the inspector)."""
    fw = flagged_world(seeded, auth_headers)
    h = fw.headers["inspector"]
    picture = photo_corpus.jpeg(photo_corpus.scene(8))
    a = submit(client, h, fw.villages[0])
    b = submit(client, h, fw.villages[1])
    send_photo(client, h, a["client_uuid"], picture)
    send_photo(client, h, b["client_uuid"], photo_corpus.resized_recompressed(picture))
    with seeded.app_context():
        photos = dict(db.session.execute(db.select(Photo.inspection_id, Photo.id)).all())
    return fw, a, b, photos


def test_the_review_page_shows_both_photos_and_the_other_village(seeded, reused):
    fw, a, b, photos = reused
    page = sign_in(seeded, "lead").get(f"/review/{b['id']}?lang=en").get_data(as_text=True)
    section = page[page.index('id="flag-photo_reused"') :]
    section = section[: section.index("</div>\n</div>") if "</div>\n</div>" in section else 3000]
    assert f"/api/v1/photos/{photos[b['id']]}" in section
    assert f"/api/v1/photos/{photos[a['id']]}" in section
    assert f'href="/review/{a["id"]}"' in section
    assert "Photo sent before" in page
    assert 'name="reason"' in page
    zh = sign_in(seeded, "lead").get(f"/review/{b['id']}").get_data(as_text=True)
    assert "Photo sent before" not in zh and "Clear this flag" not in zh


def test_a_lead_clears_with_a_reason_and_it_is_audited(seeded, reused):
    fw, a, b, photos = reused
    lead = sign_in(seeded, "lead")
    url = f"/review/{b['id']}/flags/photo_reused/clear"
    refused = lead.post(url, data={"reason": "  "})
    assert refused.status_code == 303
    assert flags_of(seeded, b["id"])["photo_reused"].cleared_at is None
    done = lead.post(url, data={"reason": "同一公厕，两村共用 one toilet shared by both villages"})
    assert done.status_code == 303
    flag = flags_of(seeded, b["id"])["photo_reused"]
    assert flag.cleared_at is not None
    assert flag.cleared_by_id == fw.world.users["township_lead"]
    assert flag.clear_reason == "同一公厕，两村共用 one toilet shared by both villages"
    with seeded.app_context():
        event = db.session.execute(
            db.select(AuditEvent).where(AuditEvent.action == "flag.clear")
        ).scalar_one()
        assert (event.object_type, event.object_id) == ("inspections", str(b["id"]))
        assert event.actor_id == fw.world.users["township_lead"]
        assert event.details["kind"] == "photo_reused"
        assert event.details["reason"].startswith("同一公厕")
    page = lead.get(f"/review/{b['id']}?lang=en").get_data(as_text=True)
    assert "cleared" in page and "one toilet shared" in page
    # No longer held out of the batch: the queue offers its checkbox.
    queue = lead.get("/review?lang=en").get_data(as_text=True)
    assert f'name="inspection" value="{b["id"]}"' in queue
    assert lead.post(url, data={"reason": "again"}).status_code == 303  # already cleared: kept
    assert flags_of(seeded, b["id"])["photo_reused"].clear_reason.startswith("同一公厕")


def test_an_inspector_and_the_other_townships_lead_cannot_clear(seeded, reused):
    fw, a, b, photos = reused
    url = f"/review/{b['id']}/flags/photo_reused/clear"
    assert sign_in(seeded, "insp").post(url, data={"reason": "mine"}).status_code == 403
    assert sign_in(seeded, "lead_o").post(url, data={"reason": "not mine"}).status_code == 404
    assert flags_of(seeded, b["id"])["photo_reused"].cleared_at is None


def test_the_api_document_carries_flags_for_reviewers_only(seeded, client, reused):
    fw, a, b, photos = reused
    lead = client.get(f"/api/v1/inspections/{b['id']}", headers=fw.headers["township_lead"])
    (flag,) = lead.get_json()["flags"]
    assert flag["kind"] == "photo_reused"
    assert flag["cleared"] is False
    assert flag["matches"][0]["original"] == ["inspection", photos[a["id"]]]
    mine = client.get(f"/api/v1/inspections/{b['id']}", headers=fw.headers["inspector"])
    assert mine.status_code == 200 and "flags" not in mine.get_json()


def test_flags_are_counted_per_quarter_township_and_inspector(seeded, client, reused):
    fw, a, b, photos = reused
    page = sign_in(seeded, "lead").get("/admin/data-quality?lang=en").get_data(as_text=True)
    row = page[page.index('data-quarter="2026Q4" data-inspector="insp"') :]
    row = row[: row.index("</tr>")]
    assert '<td class="num" data-count="photo_reused">1 / 1</td>' in row
    assert '<td class="num" data-count="same_place"></td>' in row
    flags_page = sign_in(seeded, "lead").get("/inspect/flags?lang=en").get_data(as_text=True)
    assert '<td class="num" data-count="photo_reused">1 / 1</td>' in flags_page
    other = sign_in(seeded, "lead_o").get("/admin/data-quality?lang=en").get_data(as_text=True)
    assert "data-quarter=" not in other  # nothing of 西坊城镇 for 蔡村镇's lead
    assert sign_in(seeded, "insp").get("/admin/data-quality").status_code == 403
    assert sign_in(seeded, "lead").get("/admin/data-quality?quarter=bad").status_code == 400


def test_the_export_lists_each_flag_with_its_kind(seeded, reused):
    fw, a, b, photos = reused
    answer = sign_in(seeded, "lead").get("/admin/data-quality/flags.csv?quarter=2026Q4&lang=en")
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][7] == "Flag code"
    assert [(r[0], r[2], r[5], r[7], r[8]) for r in rows[1:]] == [
        ("2026Q4", fw.villages[1], "insp", "photo_reused", "no")
    ]
