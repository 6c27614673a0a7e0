"""Two decisions on one inspection at the same instant are taken one after the other.

The re-test sent approve together with delete, with an edit, and with an admin's return: on
PostgreSQL both answered 200 every time (approved *and* deleted; an edit written after the
approval; one decision silently lost). Every state change now locks the row and judges the state
the other one left (app/inspections/changes.py lock_current), so exactly one of each pair wins
and the other is refused with 409. Each pair is tried TRIES times from two threads released
together by a barrier, on both databases (SQLite's single writer serialised them already).
"""

import threading

import pytest

from app.extensions import db
from app.models import AuditEvent, Inspection, Problem
from tests.problem_world import ledger_world, record
from tests.review_world import make_world, payload, sign_in

TRIES = 50


def _together(app, *requests):
    """Send (method, url, kwargs) requests from threads released at once, each with its own
    client; their status codes, in order."""
    barrier = threading.Barrier(len(requests))
    codes = [None] * len(requests)

    def run(index, request):
        method, url, kwargs = request
        client = app.test_client()
        barrier.wait()
        codes[index] = client.open(url, method=method, **kwargs).status_code

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return codes


@pytest.fixture
def race(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    headers = {k: auth_headers(v, lang="en") for k, v in world.users.items()}

    def new_inspection():
        created = seeded.test_client().post(
            "/api/v1/inspections", json=payload(world.village), headers=headers["inspector"]
        )
        assert created.status_code == 201
        return created.get_json()

    def state(inspection_id):
        with seeded.app_context():
            inspection = db.session.get(Inspection, inspection_id)
            decisions = db.session.scalars(
                db.select(AuditEvent.action)
                .where(
                    AuditEvent.object_type == "inspections",
                    AuditEvent.object_id == str(inspection_id),
                )
                .where(AuditEvent.action.not_in(["inspection.create", "inspection.submit"]))
                .order_by(AuditEvent.id)
            ).all()
            return (
                inspection.status,
                inspection.deleted_at is not None,
                len(inspection.revisions),
                decisions,
            )

    return seeded, world, headers, new_inspection, state


def test_approve_and_delete_never_both_succeed(race):
    app, world, headers, new_inspection, state = race
    for _ in range(TRIES):
        doc = new_inspection()
        url = f"/api/v1/inspections/{doc['id']}"
        codes = _together(
            app,
            ("POST", f"{url}/approve", {"headers": headers["township_lead"]}),
            ("DELETE", url, {"json": {"reason": "重复"}, "headers": headers["county_admin"]}),
        )
        status, deleted, revisions, decisions = state(doc["id"])
        # The loser is refused: 409 when it read the inspection before the winner committed,
        # 404 when it found it deleted already (a deleted inspection is not found).
        assert codes in ([200, 409], [409, 200], [404, 200]), codes
        if codes[0] == 200:  # the approval won: the delete met an approved inspection
            assert (status, deleted, decisions) == ("approved", False, ["inspection.approve"])
        else:  # the delete won: nothing approves a deleted inspection
            assert (status, deleted, decisions) == ("submitted", True, ["inspection.delete"])


def test_an_approval_names_the_revision_seen_and_an_edit_in_between_refuses_it(race):
    app, world, headers, new_inspection, state = race
    for _ in range(TRIES):
        doc = new_inspection()
        url = f"/api/v1/inspections/{doc['id']}"
        edit = payload(world.village, households=999, client_uuid=doc["client_uuid"])
        codes = _together(
            app,
            (
                "POST",
                f"{url}/approve",
                {"json": {"revision": 1}, "headers": headers["township_lead"]},
            ),
            ("PUT", url, {"json": edit, "headers": headers["inspector"]}),
        )
        status, deleted, revisions, decisions = state(doc["id"])
        assert sorted(codes) == [200, 409], codes
        if codes[0] == 200:  # approved revision 1; the edit then met the approval lock
            assert (status, revisions, decisions) == ("approved", 1, ["inspection.approve"])
        else:  # the edit came first: revision 1 is no longer what the lead saw
            assert (status, revisions, decisions) == ("submitted", 2, ["inspection.edit"])


def test_a_lead_approving_and_an_admin_returning_make_one_decision(race):
    app, world, headers, new_inspection, state = race
    for _ in range(TRIES):
        doc = new_inspection()
        url = f"/api/v1/inspections/{doc['id']}"
        codes = _together(
            app,
            ("POST", f"{url}/approve", {"headers": headers["township_lead"]}),
            (
                "POST",
                f"{url}/return",
                {"json": {"comment": "再核实"}, "headers": headers["county_admin"]},
            ),
        )
        status, deleted, revisions, decisions = state(doc["id"])
        assert sorted(codes) == [200, 409], codes
        expected = ("approved", ["inspection.approve"])
        if codes[1] == 200:
            expected = ("returned", ["inspection.return"])
        assert (status, decisions) == expected


def test_the_changed_since_seen_refusal_shows_both_versions(race):
    app, world, headers, new_inspection, state = race
    doc = new_inspection()
    url = f"/api/v1/inspections/{doc['id']}"
    client = app.test_client()
    edit = payload(world.village, households=999, client_uuid=doc["client_uuid"])
    assert client.put(url, json=edit, headers=headers["inspector"]).status_code == 200
    refused = client.post(f"{url}/approve", json={"revision": 1}, headers=headers["township_lead"])
    body = refused.get_json()
    assert refused.status_code == 409
    assert body["error"]["code"] == "changed_since_seen"
    assert body["error"]["message"] == (
        "You looked at revision 1; the inspection is now at revision 2. Look again before deciding"
    )
    assert body["seen"]["households"] == 100
    assert body["stored"]["households"] == 999
    assert state(doc["id"])[0] == "submitted"
    fresh = client.post(f"{url}/approve", json={"revision": 2}, headers=headers["township_lead"])
    assert (fresh.status_code, fresh.get_json()["status"]) == (200, "approved")


def test_nothing_but_restore_touches_a_deleted_inspection(race):
    app, world, headers, new_inspection, state = race
    doc = new_inspection()
    url = f"/api/v1/inspections/{doc['id']}"
    client = app.test_client()
    gone = client.delete(url, json={"reason": "duplicate"}, headers=headers["county_admin"])
    assert gone.status_code == 200
    restored = client.post(f"{url}/restore", headers=headers["county_admin"])
    assert (restored.status_code, state(doc["id"])[:2]) == (200, ("submitted", False))
    again = client.post(f"{url}/restore", headers=headers["county_admin"])
    assert again.status_code == 409


def test_the_review_page_approves_only_the_revision_it_showed(race):
    """A lead opens /review/<id> at revision 1; the inspector changes households to 999; the
    lead's Approve (carrying revision 1) is sent back to the page, which now shows 999."""
    app, world, headers, new_inspection, state = race
    doc = new_inspection()
    lead = sign_in(app, "lead")
    page = lead.get(f"/review/{doc['id']}").get_data(as_text=True)
    assert 'name="revision" value="1"' in page
    edit = payload(world.village, households=999, client_uuid=doc["client_uuid"])
    client = app.test_client()
    assert (
        client.put(
            f"/api/v1/inspections/{doc['id']}", json=edit, headers=headers["inspector"]
        ).status_code
        == 200
    )
    sent_back = lead.post(f"/review/{doc['id']}/approve", data={"revision": "1"})
    assert (sent_back.status_code, sent_back.location) == (303, f"/review/{doc['id']}")
    assert state(doc["id"])[0] == "submitted"
    again = lead.get(f"/review/{doc['id']}").get_data(as_text=True)
    assert "您查看期间此检查已被修改：请查看新版本后再决定" in again
    assert 'name="revision" value="2"' in again
    approved = lead.post(f"/review/{doc['id']}/approve", data={"revision": "2"})
    assert approved.status_code == 303 and state(doc["id"])[0] == "approved"


def test_the_batch_skips_an_inspection_changed_since_the_queue_showed_it(race):
    app, world, headers, new_inspection, state = race
    changed, untouched = new_inspection(), new_inspection()
    lead = sign_in(app, "lead")
    queue = lead.get("/review").get_data(as_text=True)
    assert f'name="revision-{changed["id"]}" value="1"' in queue
    edit = payload(world.village, households=999, client_uuid=changed["client_uuid"])
    assert (
        app.test_client()
        .put(f"/api/v1/inspections/{changed['id']}", json=edit, headers=headers["inspector"])
        .status_code
        == 200
    )
    lead.post(
        "/review/batch",
        data={
            "inspection": [str(changed["id"]), str(untouched["id"])],
            f"revision-{changed['id']}": "1",
            f"revision-{untouched['id']}": "1",
        },
    )
    assert (state(changed["id"])[0], state(untouched["id"])[0]) == ("submitted", "approved")


def test_two_ledger_steps_sent_together_make_one_step(seeded, make_user, auth_headers):
    """The township lead reports the fix from two phones at once: one step, one event."""
    world, h, client = ledger_world(seeded, make_user, auth_headers)
    for _ in range(TRIES):
        doc = record(client, h["inspector"], world.village)
        url = f"/api/v1/problems/{doc['id']}/report-fix"
        note = {"json": {"note": "已清运"}, "headers": h["township_lead"]}
        codes = _together(seeded, ("POST", url, note), ("POST", url, note))
        assert sorted(codes) == [200, 409], codes
        with seeded.app_context():
            problem = db.session.get(Problem, doc["id"])
            assert (problem.status, [e.kind for e in problem.events]) == (
                "fix_reported",
                ["recorded", "fix_reported"],
            )
