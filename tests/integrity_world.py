"""Shared set-up for the integrity-flag tests (tests/integrity/): the review world's people, four
villages of 西坊城镇 placed by hand kilometres apart (the seed has no coordinates for them), an
inspection payload and photo uploads of real JPEGs drawn by bench/photo_corpus.py."""

import io
import uuid
from dataclasses import dataclass

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.extensions import db
from app.models import InspectionFlag, Village
from tests.review_world import make_world, payload

# Village → (lat, lon): about 4.4 km between neighbours on one parallel near 39.6 N.
PLACES = [(39.60, 113.50), (39.60, 113.55), (39.60, 113.60), (39.60, 113.65)]


@dataclass
class Flagged:
    world: object
    villages: list[str]
    headers: dict  # key of review_world.PEOPLE → API headers (English)


def flagged_world(app, auth_headers) -> Flagged:
    world = make_world(app)
    with app.app_context():
        villages = (
            db.session.execute(
                db.select(Village)
                .where(Village.code.startswith("140225101"), Village.kind == "village")
                .order_by(Village.code)
                .limit(len(PLACES))
            )
            .scalars()
            .all()
        )
        for village, (lat, lon) in zip(villages, PLACES, strict=True):
            village.lat, village.lon = lat, lon
        codes = [v.code for v in villages]
        db.session.commit()
    headers = {key: auth_headers(uid, lang="en") for key, uid in world.users.items()}
    return Flagged(world, codes, headers)


_households = iter(range(101, 10_000))


def submit(client, headers, village, **extra) -> dict:
    """A stored inspection; its households differ from every other's, so no two are copies
    unless a test says so."""
    body = payload(village, households=next(_households))
    body.update(extra)
    answer = client.post("/api/v1/inspections", json=body, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def send_photo(client, headers, inspection_uuid, data, section="sewage"):
    boundary, body = encode_multipart(
        {
            "client_photo_id": str(uuid.uuid4()),
            "section": section,
            "photo": FileStorage(io.BytesIO(data), filename="p.jpg", content_type="image/jpeg"),
        }
    )
    answer = client.post(
        f"/api/v1/inspections/{inspection_uuid}/photos",
        data=body,
        headers=headers,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def flags_of(app, inspection_id) -> dict[str, InspectionFlag]:
    """kind → flag (detached, with its evidence) of one inspection."""
    with app.app_context():
        rows = db.session.execute(
            db.select(InspectionFlag).where(InspectionFlag.inspection_id == inspection_id)
        ).scalars()
        found = {}
        for flag in rows:
            db.session.expunge(flag)
            found[flag.kind] = flag
        return found
