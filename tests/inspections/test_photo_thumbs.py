"""Photos where inspections are read (issue 12): the saved page and the village page show each
photo as a thumbnail (the same photo route, `?size=thumb`, the same access rules) that opens
the full photo; a role that may not read inspections sees neither."""

import io
import re
import uuid

from PIL import Image

from app.extensions import db
from app.models import Inspection
from tests.offline_helpers import HAICUN, YONGAN, jpeg_bytes, payload

PASSWORD = "correct horse battery"


def setup_photo(seeded, client, make_user, auth_headers):
    inspector = make_user("inspector", township=YONGAN, username="insp")
    headers = auth_headers(inspector, lang="en")
    body = payload()
    assert client.post("/api/v1/inspections", json=body, headers=headers).status_code == 201
    form = {
        "client_photo_id": str(uuid.uuid4()),
        "section": "sewage",
        "photo": (io.BytesIO(jpeg_bytes(size=(1600, 1200))), "p.jpg", "image/jpeg"),
    }
    answer = client.post(
        f"/api/v1/inspections/{body['client_uuid']}/photos",
        data=form,
        headers=headers,
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201
    with seeded.app_context():
        inspection_id = db.session.execute(
            db.select(Inspection.id).where(Inspection.client_uuid == body["client_uuid"])
        ).scalar_one()
    return inspection_id, answer.get_json()["id"]


def signed_in(app, username):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code
    return client


def thumbs(html):
    return re.findall(r'<a href="([^"]+)"[^>]*data-photo-id="(\d+)">\s*<img src="([^"]+)"', html)


def test_saved_and_village_pages_show_thumbnails_that_open_the_photo(
    seeded, client, make_user, auth_headers
):
    inspection_id, photo_id = setup_photo(seeded, client, make_user, auth_headers)
    full, thumb = f"/api/v1/photos/{photo_id}", f"/api/v1/photos/{photo_id}?size=thumb"
    inspector = signed_in(seeded, "insp")
    saved = inspector.get(f"/inspect/saved/{inspection_id}").get_data(as_text=True)
    assert thumbs(saved) == [(full, str(photo_id), thumb)]
    make_user("township_lead", township=YONGAN, username="lead")
    lead = signed_in(seeded, "lead")
    village = lead.get(f"/dashboard/village/{HAICUN}?period=2026Q4").get_data(as_text=True)
    assert thumbs(village) == [(full, str(photo_id), thumb)]

    small = lead.get(thumb)
    assert (small.status_code, small.mimetype) == (200, "image/jpeg")
    with Image.open(io.BytesIO(small.data)) as image:
        assert image.size == (240, 180)  # 1600×1200 scaled to 240 px on the long side
    with Image.open(io.BytesIO(lead.get(full).data)) as image:
        assert image.size == (1600, 1200)


def test_who_may_not_read_the_inspection_sees_no_photo(seeded, client, make_user, auth_headers):
    inspection_id, photo_id = setup_photo(seeded, client, make_user, auth_headers)
    make_user("viewer", username="viewer")
    viewer = signed_in(seeded, "viewer")
    village = viewer.get(f"/dashboard/village/{HAICUN}?period=2026Q4")
    assert village.status_code == 200 and thumbs(village.get_data(as_text=True)) == []
    assert viewer.get(f"/api/v1/photos/{photo_id}?size=thumb").status_code == 403
    make_user("township_lead", township="140225101", username="lead_other")
    other = signed_in(seeded, "lead_other")
    assert other.get(f"/api/v1/photos/{photo_id}?size=thumb").status_code == 404
    assert other.get(f"/dashboard/village/{HAICUN}").status_code == 403


def test_a_thumbnail_is_decoded_once_in_a_slot_then_served_as_kept(
    seeded, client, make_user, auth_headers, monkeypatch
):
    """Issue 25, finding 11: made in a decode slot, kept beside the photo, never decoded again."""
    from app.photos import gate, thumbs

    _, photo_id = setup_photo(seeded, client, make_user, auth_headers)
    make_user("township_lead", township=YONGAN, username="lead")
    lead = signed_in(seeded, "lead")
    url = f"/api/v1/photos/{photo_id}?size=thumb"

    seeded.config["PHOTO_DECODE_SLOTS"] = 1
    with gate.decode_slot(1):  # every slot taken by another decode
        busy = lead.get(url)
    assert (busy.status_code, busy.headers.get("Retry-After")) == (503, "5")

    decodes = []
    real = thumbs.scaled_down
    monkeypatch.setattr(thumbs, "scaled_down", lambda data: decodes.append(1) or real(data))
    first, second = lead.get(url), lead.get(url)
    assert (first.status_code, second.status_code, len(decodes)) == (200, 200, 1)
    assert first.data == second.data
    with Image.open(io.BytesIO(second.data)) as image:
        assert image.size == (240, 180)
