"""Shared set-up for the ledger tests: the review world's people, API headers, and helpers that
record a problem and take its steps through /api/v1/problems."""

import io
import uuid
from datetime import UTC, datetime

from tests.offline_helpers import jpeg_bytes
from tests.review_world import make_world


def at(app, when: str) -> None:
    """Set the county clock to a UTC instant, "2026-12-10T16:00"."""
    instant = datetime.fromisoformat(when).replace(tzinfo=UTC)
    app.config["CLOCK"] = lambda: instant


def ledger_world(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)  # the clock: 2026-11-28 12:00 in Hunyuan
    headers = {k: auth_headers(v, lang="en") for k, v in world.users.items()}
    return world, headers, seeded.test_client()


def problem_body(village: str, **extra) -> dict:
    body = {
        "client_uuid": str(uuid.uuid4()),
        "village_code": village,
        "category": "straw_burning",
        "description": "村东头秸秆焚烧 straw burnt east of the village",
    }
    body.update(extra)
    return body


def record(client, headers, village, **extra) -> dict:
    answer = client.post("/api/v1/problems", json=problem_body(village, **extra), headers=headers)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def upload(client, headers, problem_uuid, stage, photo_id=None):
    return client.post(
        f"/api/v1/problems/{problem_uuid}/photos",
        data={
            "client_photo_id": photo_id or str(uuid.uuid4()),
            "stage": stage,
            "photo": (io.BytesIO(jpeg_bytes()), "p.jpg", "image/jpeg"),
        },
        headers=headers,
        content_type="multipart/form-data",
    )


def fix(client, headers, problem_id, note="已清理 cleared"):
    return client.post(
        f"/api/v1/problems/{problem_id}/report-fix", json={"note": note}, headers=headers
    )


def recheck(client, headers, problem_id, passed, note="", new_deadline=None):
    body = {"passed": passed, "note": note}
    if new_deadline:
        body["new_deadline"] = new_deadline
    return client.post(f"/api/v1/problems/{problem_id}/recheck", json=body, headers=headers)
