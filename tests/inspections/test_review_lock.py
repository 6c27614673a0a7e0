"""An approved inspection is locked for every role — edit, delete, a new photo — until a county
admin reopens it; nobody approves or returns an inspection they entered themselves. Each role is
tried in turn (on SQLite and PostgreSQL), with the answer the policy and the lock promise."""

import io
import uuid

import pytest

from app.extensions import db
from app.models import AuditEvent, Inspection, Photo
from tests.offline_helpers import jpeg_bytes
from tests.review_world import make_world, payload, sign_in

# role key → what PUT, DELETE and a new photo answer on an APPROVED inspection of TOWNSHIP.
# 403: the policy or "not yours" refuses first; 404: out of scope; 409: the approval lock.
LOCKED = {
    "inspector": (409, 409, 409),  # the owner
    "inspector_colleague": (403, 403, 403),
    "inspector_other": (404, 404, 404),
    "township_lead": (403, 409, 403),  # a lead deleted approved ones before: 200
    "lead_other": (403, 404, 403),
    "county_admin": (409, 409, 409),  # deleted approved ones and added photos before: 200
    "viewer": (403, 403, 403),
}


def _world(seeded, make_user, auth_headers, creator="inspector"):
    world = make_world(seeded, make_user)
    headers = {k: auth_headers(v, lang="en") for k, v in world.users.items()}
    client = seeded.test_client()
    created = client.post(
        "/api/v1/inspections", json=payload(world.village), headers=headers[creator]
    )
    assert created.status_code == 201
    return world, headers, client, created.get_json()


def _photo(client, doc, headers):
    return client.post(
        f"/api/v1/inspections/{doc['client_uuid']}/photos",
        data={
            "client_photo_id": str(uuid.uuid4()),
            "section": "sewage",
            "photo": (io.BytesIO(jpeg_bytes()), "p.jpg", "image/jpeg"),
        },
        headers=headers,
        content_type="multipart/form-data",
    )


def _attempts(client, world, doc, headers):
    url = f"/api/v1/inspections/{doc['id']}"
    edit = client.put(
        url,
        json=payload(world.village, households=120, client_uuid=doc["client_uuid"]),
        headers=headers,
    )
    delete = client.delete(url, json={"reason": "duplicate"}, headers=headers)
    return edit.status_code, delete.status_code, _photo(client, doc, headers).status_code


@pytest.mark.parametrize("role", sorted(LOCKED))
def test_an_approved_inspection_is_locked_for_every_role(seeded, make_user, auth_headers, role):
    world, headers, client, doc = _world(seeded, make_user, auth_headers)
    url = f"/api/v1/inspections/{doc['id']}"
    assert client.post(f"{url}/approve", headers=headers["township_lead"]).status_code == 200
    assert _attempts(client, world, doc, headers[role]) == LOCKED[role]
    with seeded.app_context():
        inspection = db.session.get(Inspection, doc["id"])
        assert (inspection.status, inspection.deleted_at, len(inspection.revisions)) == (
            "approved",
            None,
            1,
        )
        assert db.session.scalar(db.select(db.func.count()).select_from(Photo)) == 0


def test_the_lock_body_says_status_and_the_web_edit_form_is_refused(
    seeded, make_user, auth_headers
):
    world, headers, client, doc = _world(seeded, make_user, auth_headers)
    url = f"/api/v1/inspections/{doc['id']}"
    client.post(f"{url}/approve", headers=headers["township_lead"])
    refused = client.delete(url, json={"reason": "x"}, headers=headers["county_admin"])
    assert refused.get_json()["error"]["code"] == "status"
    photo = _photo(client, doc, headers["inspector"])
    assert photo.get_json()["error"]["code"] == "inspection_closed"
    assert sign_in(seeded, "insp").get(f"/inspect/edit/{doc['id']}").status_code == 409


def test_a_reopened_inspection_is_unlocked_again(seeded, make_user, auth_headers):
    world, headers, client, doc = _world(seeded, make_user, auth_headers)
    url = f"/api/v1/inspections/{doc['id']}"
    client.post(f"{url}/approve", headers=headers["township_lead"])
    assert client.post(f"{url}/reopen", headers=headers["county_admin"]).status_code == 200
    assert _photo(client, doc, headers["inspector"]).status_code == 201
    assert (
        client.delete(url, json={"reason": "dup"}, headers=headers["township_lead"]).status_code
        == 200
    )


def test_a_retried_upload_of_a_stored_photo_is_still_answered_after_approval(
    seeded, make_user, auth_headers
):
    """The phone may resend a photo whose answer it lost; that replay is not a new photo."""
    world, headers, client, doc = _world(seeded, make_user, auth_headers)
    photo_id = str(uuid.uuid4())
    data = jpeg_bytes()

    def send():
        return client.post(
            f"/api/v1/inspections/{doc['client_uuid']}/photos",
            data={
                "client_photo_id": photo_id,
                "section": "sewage",
                "photo": (io.BytesIO(data), "p.jpg", "image/jpeg"),
            },
            headers=headers["inspector"],
            content_type="multipart/form-data",
        )

    assert send().status_code == 201
    client.post(f"/api/v1/inspections/{doc['id']}/approve", headers=headers["township_lead"])
    assert send().status_code == 200


@pytest.mark.parametrize("action", ["approve", "return"])
def test_a_county_admin_does_not_review_their_own_inspection(
    seeded, make_user, auth_headers, action
):
    world, headers, client, doc = _world(seeded, make_user, auth_headers, creator="county_admin")
    url = f"/api/v1/inspections/{doc['id']}/{action}"
    own = client.post(url, json={"comment": "fix it"}, headers=headers["county_admin"])
    assert own.status_code == 403
    assert own.get_json()["error"]["code"] == "own_inspection"
    # On the page too; the lead of the township decides instead.
    admin = sign_in(seeded, "admin")
    page = admin.post(f"/review/{doc['id']}/{action}", data={"comment": "fix it"})
    assert page.status_code == 403
    with seeded.app_context():
        assert db.session.get(Inspection, doc["id"]).status == "submitted"
        assert not db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == f"inspection.{action}")
        ).all()
    decided = client.post(url, json={"comment": "fix it"}, headers=headers["township_lead"])
    assert decided.status_code == 200


@pytest.mark.parametrize(
    "role, expected",
    [
        ("inspector", 403),  # the policy: inspectors do not review
        ("inspector_colleague", 403),
        ("township_lead", 200),
        ("lead_other", 404),
        ("county_admin", 200),
        ("viewer", 403),
    ],
)
def test_who_may_approve_an_inspectors_inspection(seeded, make_user, auth_headers, role, expected):
    world, headers, client, doc = _world(seeded, make_user, auth_headers)
    answer = client.post(f"/api/v1/inspections/{doc['id']}/approve", headers=headers[role])
    assert answer.status_code == expected


def test_a_county_admin_reopens_on_the_review_page(seeded, make_user, auth_headers):
    world, headers, client, doc = _world(seeded, make_user, auth_headers)
    client.post(f"/api/v1/inspections/{doc['id']}/approve", headers=headers["township_lead"])
    lead = sign_in(seeded, "lead")
    assert 'id="confirm-reopen"' not in lead.get(f"/review/{doc['id']}").get_data(as_text=True)
    assert lead.post(f"/review/{doc['id']}/reopen").status_code == 403
    admin = sign_in(seeded, "admin")
    assert 'id="confirm-reopen"' in admin.get(f"/review/{doc['id']}").get_data(as_text=True)
    page = admin.post(f"/review/{doc['id']}/reopen", follow_redirects=True)
    assert 'role="status">已重新打开：' in page.get_data(as_text=True)
    assert admin.post(f"/review/{doc['id']}/reopen").status_code == 409  # not approved now
    assert _photo(client, doc, headers["inspector"]).status_code == 201  # unlocked
    with seeded.app_context():
        assert db.session.get(Inspection, doc["id"]).status == "submitted"
