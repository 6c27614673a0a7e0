"""A deleted inspection is gone from every page as it is from the API (issue 16, finding 3): the
village page, the township page's "latest" link, /inspect/flags, the photo list and the photo
file all stop showing it."""

import io
import uuid

from tests.offline_helpers import HAICUN, HAICUN_LAT, HAICUN_LON, YONGAN, jpeg_bytes, payload


def test_a_deleted_inspection_disappears_from_pages_and_photos(seeded, make_user, auth_headers):
    client = seeded.test_client()
    inspector = auth_headers(make_user("inspector", township=YONGAN, username="insp"), lang="en")
    make_user("township_lead", township=YONGAN, username="lead", password="pw-lead-12345")
    kept = payload(notes="kept one")
    far = {"lat": HAICUN_LAT + 0.02, "lon": HAICUN_LON}
    gone = payload(location=far, notes="deleted one")
    ids = {}
    for body in (kept, gone):
        answer = client.post("/api/v1/inspections", json=body, headers=inspector)
        assert answer.status_code == 201
        ids[body["notes"]] = answer.json["id"]
    photo = client.post(
        f"/api/v1/inspections/{gone['client_uuid']}/photos",
        data={
            "client_photo_id": str(uuid.uuid4()),
            "section": "sewage",
            "photo": (io.BytesIO(jpeg_bytes()), "p.jpg", "image/jpeg"),
        },
        headers=inspector,
        content_type="multipart/form-data",
    )
    assert photo.status_code == 201
    gone_id = ids["deleted one"]

    lead = seeded.test_client()
    lead.post("/login", data={"username": "lead", "password": "pw-lead-12345"})
    before = lead.get(f"/dashboard/township/{YONGAN}?period=2026Q4").get_data(as_text=True)
    assert f"#inspection-{gone_id}" in before  # the newest is the one about to be deleted
    assert f'data-uuid="{gone["client_uuid"]}"' in lead.get("/inspect/flags").get_data(as_text=True)

    deleted = client.delete(
        f"/api/v1/inspections/{gone_id}", json={"reason": "duplicate"}, headers=inspector
    )
    assert deleted.status_code == 200
    assert client.get(f"/api/v1/inspections/{gone_id}", headers=inspector).status_code == 404

    village = lead.get(f"/dashboard/village/{HAICUN}?period=2026Q4").get_data(as_text=True)
    assert f'id="inspection-{ids["kept one"]}"' in village
    assert f'id="inspection-{gone_id}"' not in village and "deleted one" not in village
    township = lead.get(f"/dashboard/township/{YONGAN}?period=2026Q4").get_data(as_text=True)
    assert f"#inspection-{ids['kept one']}" in township
    assert f"#inspection-{gone_id}" not in township
    flags = lead.get("/inspect/flags").get_data(as_text=True)
    assert gone["client_uuid"] not in flags
    listing = client.get(f"/api/v1/inspections/{gone['client_uuid']}/photos", headers=inspector)
    assert listing.status_code == 404
    assert client.get(photo.json["url"], headers=inspector).status_code == 404
    assert lead.get(photo.json["url"]).status_code == 404
