"""Nothing lost: an edit adds a revision and keeps the earlier values readable; a phone's late
retry of the first version is still a replay; deletion is soft, with a reason, and restorable by
a county admin only; deleted inspections drop out of every read."""

from app.extensions import db
from app.models import Answer, Inspection, InspectionRevision
from tests.review_world import make_world, payload, sign_in


def setup(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    headers = {k: auth_headers(v, lang="en") for k, v in world.users.items()}
    return world, headers, seeded.test_client()


def test_an_edit_keeps_the_earlier_revision(seeded, make_user, auth_headers):
    world, headers, client = setup(seeded, make_user, auth_headers)
    first = payload(world.village, households=100, treated=40)
    doc = client.post("/api/v1/inspections", json=first, headers=headers["inspector"]).get_json()
    url = f"/api/v1/inspections/{doc['id']}"
    second = payload(world.village, households=120, treated=60, client_uuid=first["client_uuid"])
    del second["sections"]["manure"]
    edited = client.put(url, json=second, headers=headers["inspector"])
    assert edited.status_code == 200
    body = edited.get_json()
    assert (body["households"], body["revision"]) == (120, 2)
    assert body["sections"] == {
        "sewage": {
            "households_treated": 60,
            "treatment_mode": "septic_tank",
            "facility_running": True,
        }
    }

    revisions = client.get(f"{url}/revisions", headers=headers["township_lead"]).get_json()
    numbers = [
        (r["number"], r["author"], r["payload"]["households"]) for r in revisions["revisions"]
    ]
    assert numbers == [(1, "insp", 100), (2, "insp", 120)]
    assert revisions["revisions"][0]["payload"]["sections"]["manure"] == {
        "produced_t": 10.0,
        "utilised_t": 7.5,
    }
    with seeded.app_context():
        # Current answers: households, 3 sewage fields (the manure answers are gone from them).
        answers = db.session.execute(
            db.select(Answer.section, Answer.field, Answer.value_num).where(
                Answer.inspection_id == doc["id"]
            )
        ).all()
        assert sorted((s, f) for s, f, _v in answers) == [
            ("profile", "households"),
            ("sewage", "facility_running"),
            ("sewage", "households_treated"),
            ("sewage", "treatment_mode"),
        ]
        assert dict(((s, f), v) for s, f, v in answers)[("profile", "households")] == 120.0

    # The same content again changes nothing; a PUT may not change the UUID.
    again = client.put(url, json=second, headers=headers["inspector"])
    assert again.get_json()["revision"] == 2
    moved = dict(second, client_uuid="00000000-0000-4000-8000-000000000000")
    refused = client.put(url, json=moved, headers=headers["inspector"])
    assert (refused.status_code, list(refused.get_json()["errors"])) == (422, ["client_uuid"])
    bad = dict(second, households=-1)
    assert client.put(url, json=bad, headers=headers["inspector"]).status_code == 422
    with seeded.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(InspectionRevision)) == 2


def test_idempotent_create_still_holds_after_an_edit(seeded, make_user, auth_headers):
    world, headers, client = setup(seeded, make_user, auth_headers)
    first = payload(world.village)
    doc = client.post("/api/v1/inspections", json=first, headers=headers["inspector"]).get_json()
    second = payload(world.village, households=130, client_uuid=first["client_uuid"])
    client.put(f"/api/v1/inspections/{doc['id']}", json=second, headers=headers["inspector"])
    # The phone's queue retries the first version, then the second: both are replays (200).
    for version in (first, second):
        replay = client.post("/api/v1/inspections", json=version, headers=headers["inspector"])
        assert (replay.status_code, replay.get_json()["id"]) == (200, doc["id"])
        assert replay.get_json()["households"] == 130  # the current content
    third = payload(world.village, households=500, client_uuid=first["client_uuid"])
    assert (
        client.post("/api/v1/inspections", json=third, headers=headers["inspector"]).status_code
        == 409
    )
    with seeded.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Inspection)) == 1


def test_soft_delete_with_a_reason_and_restore(seeded, make_user, auth_headers):
    world, headers, client = setup(seeded, make_user, auth_headers)
    doc = client.post(
        "/api/v1/inspections", json=payload(world.village), headers=headers["inspector"]
    ).get_json()
    url = f"/api/v1/inspections/{doc['id']}"
    assert client.delete(url, json={}, headers=headers["township_lead"]).status_code == 422
    assert (
        client.delete(url, json={"reason": "x"}, headers=headers["inspector_colleague"]).status_code
        == 403
    )
    deleted = client.delete(
        url, json={"reason": "duplicate of another visit"}, headers=headers["township_lead"]
    )
    assert deleted.status_code == 200
    assert (deleted.get_json()["deleted"], deleted.get_json()["delete_reason"]) == (
        True,
        "duplicate of another visit",
    )
    # Gone from every read of the township roles; the row and its answers are still there.
    assert client.get(url, headers=headers["inspector"]).status_code == 404
    assert client.get(url, headers=headers["township_lead"]).status_code == 404
    listed = client.get(
        f"/api/v1/inspections?village={world.village}", headers=headers["township_lead"]
    ).get_json()
    assert listed["inspections"] == []
    with seeded.app_context():
        row = db.session.get(Inspection, doc["id"])
        assert (row.deleted_by.username, len(row.answers)) == ("lead", 6)
    # Only a county admin sees it and restores it.
    assert client.get(url, headers=headers["county_admin"]).get_json()["deleted"] is True
    assert client.post(f"{url}/restore", headers=headers["township_lead"]).status_code == 403
    restored = client.post(f"{url}/restore", headers=headers["county_admin"])
    assert (restored.status_code, restored.get_json()["deleted"]) == (200, False)
    assert client.post(f"{url}/restore", headers=headers["county_admin"]).status_code == 409
    listed = client.get(
        f"/api/v1/inspections?village={world.village}", headers=headers["township_lead"]
    ).get_json()
    assert [i["id"] for i in listed["inspections"]] == [doc["id"]]


def test_the_html_form_edits_and_keeps_the_earlier_revision(seeded, make_user, auth_headers):
    world, headers, client = setup(seeded, make_user, auth_headers)
    first = payload(world.village, notes="first visit")
    doc = client.post("/api/v1/inspections", json=first, headers=headers["inspector"]).get_json()
    client.post(
        f"/api/v1/inspections/{doc['id']}/return",
        json={"comment": "treated is 45"},
        headers=headers["township_lead"],
    )
    browser = sign_in(seeded, "insp")
    form = browser.get(f"/inspect/edit/{doc['id']}").get_data(as_text=True)
    assert 'value="40"' in form and "first visit" in form and first["client_uuid"] in form
    values = {
        "inspected_on": "2026-11-20",
        "households": "100",
        "notes": "second visit",
        "sections.sewage.households_treated": "45",
        "sections.sewage.treatment_mode": "septic_tank",
        "sections.sewage.facility_running": "true",
        "remove_sections": "manure",  # blank alone would keep it (issue 12): removal is ticked
    }
    bad = browser.post(
        f"/inspect/edit/{doc['id']}",
        data=dict(values, **{"sections.sewage.households_treated": "-1"}),
    )
    assert bad.status_code == 422
    saved = browser.post(f"/inspect/edit/{doc['id']}", data=values)
    assert saved.status_code == 303
    got = client.get(f"/api/v1/inspections/{doc['id']}", headers=headers["inspector"]).get_json()
    assert (got["status"], got["revision"], got["notes"]) == ("resubmitted", 2, "second visit")
    assert got["sections"]["sewage"]["households_treated"] == 45
    assert "manure" not in got["sections"]  # ticked for removal: removed
    history = client.get(
        f"/api/v1/inspections/{doc['id']}/revisions", headers=headers["inspector"]
    ).get_json()["revisions"]
    assert [r["payload"]["notes"] for r in history] == ["first visit", "second visit"]
    # Once approved, the form is closed to its inspector; a colleague never had it.
    client.post(f"/api/v1/inspections/{doc['id']}/approve", headers=headers["township_lead"])
    assert browser.get(f"/inspect/edit/{doc['id']}").status_code == 409
    assert browser.post(f"/inspect/edit/{doc['id']}", data=values).status_code == 409
    assert sign_in(seeded, "insp2").get(f"/inspect/edit/{doc['id']}").status_code == 403
