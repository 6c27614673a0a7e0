"""The review workflow: submitted → approved / returned (with a comment) → resubmitted, county
admins reopen; an approved inspection is frozen for its inspector. Both the API and /review."""

from app.extensions import db
from app.models import Inspection
from app.settings import reports_scope_approved_only
from tests.review_world import make_world, payload, sign_in


def setup(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    headers = {k: auth_headers(v, lang="en") for k, v in world.users.items()}
    client = seeded.test_client()
    created = client.post(
        "/api/v1/inspections", json=payload(world.village), headers=headers["inspector"]
    )
    assert created.status_code == 201
    return world, headers, client, created.get_json()


def test_an_approved_inspection_cannot_be_edited_by_its_inspector(seeded, make_user, auth_headers):
    world, headers, client, doc = setup(seeded, make_user, auth_headers)
    url = f"/api/v1/inspections/{doc['id']}"
    assert doc["status"] == "submitted"
    approved = client.post(f"{url}/approve", headers=headers["township_lead"])
    assert approved.status_code == 200
    assert (approved.get_json()["status"], approved.get_json()["reviewed_by"]) == (
        "approved",
        "lead",
    )

    changed = payload(world.village, households=120, client_uuid=doc["client_uuid"])
    refused = client.put(url, json=changed, headers=headers["inspector"])
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "status"
    assert client.delete(url, json={"reason": "x"}, headers=headers["inspector"]).status_code == 409
    # A lead cannot reopen (county admin only); reopening lets the inspector edit again.
    assert client.post(f"{url}/reopen", headers=headers["township_lead"]).status_code == 403
    reopened = client.post(f"{url}/reopen", headers=headers["county_admin"])
    assert reopened.get_json()["status"] == "submitted"
    edited = client.put(url, json=changed, headers=headers["inspector"])
    assert edited.status_code == 200
    assert (edited.get_json()["households"], edited.get_json()["revision"]) == (120, 2)


def test_a_returned_inspection_shows_the_comment(seeded, make_user, auth_headers):
    world, headers, client, doc = setup(seeded, make_user, auth_headers)
    url = f"/api/v1/inspections/{doc['id']}"
    # No comment, an empty one, or the other township's lead: refused, nothing changes.
    assert (
        client.post(f"{url}/return", json={}, headers=headers["township_lead"]).status_code == 422
    )
    assert (
        client.post(
            f"{url}/return", json={"comment": ""}, headers=headers["township_lead"]
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"{url}/return", json={"comment": "x"}, headers=headers["lead_other"]
        ).status_code
        == 404
    )
    comment = "户数与台账不符 households do not match the register"
    returned = client.post(
        f"{url}/return", json={"comment": comment}, headers=headers["township_lead"]
    )
    assert returned.status_code == 200
    assert (returned.get_json()["status"], returned.get_json()["review_comment"]) == (
        "returned",
        comment,
    )
    assert client.get(url, headers=headers["inspector"]).get_json()["review_comment"] == comment
    # The inspector's own page lists it with the comment.
    page = sign_in(seeded, "insp").get("/inspect/")
    assert comment in page.get_data(as_text=True)
    # The correction makes it resubmitted, and it is reviewable again.
    fixed = client.put(
        url,
        json=payload(world.village, households=95, client_uuid=doc["client_uuid"]),
        headers=headers["inspector"],
    )
    assert fixed.get_json()["status"] == "resubmitted"
    assert client.post(f"{url}/approve", headers=headers["township_lead"]).status_code == 200
    # Approving twice is a status conflict, not a silent success.
    assert client.post(f"{url}/approve", headers=headers["township_lead"]).status_code == 409


def test_the_review_page_approves_and_returns(seeded, make_user, auth_headers):
    world, headers, client, doc = setup(seeded, make_user, auth_headers)
    second = client.post(
        "/api/v1/inspections",
        json=payload(world.village, notes="two"),
        headers=headers["inspector"],
    ).get_json()
    lead = sign_in(seeded, "lead")
    page = lead.get("/review").get_data(as_text=True)
    assert f'id="inspection-{doc["id"]}"' in page and f'id="inspection-{second["id"]}"' in page
    assert lead.post(f"/review/{doc['id']}/approve").status_code == 303
    assert lead.post(f"/review/{second['id']}/return", data={"comment": ""}).status_code == 422
    assert (
        lead.post(f"/review/{second['id']}/return", data={"comment": "photo missing"}).status_code
        == 303
    )
    # The other township's lead sees neither and cannot act on them.
    other = sign_in(seeded, "lead_o")
    assert f"inspection-{doc['id']}" not in other.get("/review").get_data(as_text=True)
    assert other.post(f"/review/{doc['id']}/approve").status_code == 404
    with seeded.app_context():
        first, returned = (
            db.session.get(Inspection, doc["id"]),
            db.session.get(Inspection, second["id"]),
        )
        assert (first.status, returned.status, returned.review_comment) == (
            "approved",
            "returned",
            "photo missing",
        )
    page = lead.get("/review").get_data(as_text=True)
    assert "inspection-" not in page  # nothing left waiting


def test_reports_scope_is_a_county_setting_defaulting_to_all(seeded, make_user):
    make_world(seeded, make_user)
    with seeded.app_context():
        assert reports_scope_approved_only() is False
    admin = sign_in(seeded, "admin")
    assert admin.post("/admin/settings", data={"reports_scope": "approved"}).status_code == 303
    with seeded.app_context():
        assert reports_scope_approved_only() is True
    assert 'value="approved" checked' in admin.get("/admin/settings").get_data(as_text=True)
    admin.post("/admin/settings", data={"reports_scope": "all"})
    with seeded.app_context():
        assert reports_scope_approved_only() is False
