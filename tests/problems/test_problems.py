"""The ledger through its API: a problem recorded once (however often the phone sends it), the
township's fix report, a failed then a passed re-check, every step kept with who and when (in
problem_events and in the audit log), photos per stage, scope and roles."""

import io
import threading
import time
import uuid

from PIL import Image, ImageFile

from app.extensions import db
from app.models import AuditEvent, Problem, ProblemEvent, ProblemPhoto
from app.problems.service import EventImmutable
from tests.problem_world import (
    at,
    fix,
    ledger_world,
    problem_body,
    recheck,
    record,
    upload,
)
from tests.review_world import payload, sign_in


def test_the_whole_cycle_keeps_every_step(seeded, make_user, auth_headers):
    world, h, client = ledger_world(seeded, make_user, auth_headers)
    doc = record(client, h["inspector"], world.village)
    assert (doc["status"], doc["deadline"], doc["overdue"]) == ("open", "2026-12-05", False)
    assert doc["category_label"] == "Straw burnt in the open"
    assert upload(client, h["inspector"], doc["client_uuid"], "found").status_code == 201
    pid = doc["id"]

    # Nothing to re-check before the township reports; an inspector does not report fixes.
    assert recheck(client, h["inspector"], pid, True).status_code == 409
    assert fix(client, h["inspector"], pid).status_code == 403
    assert fix(client, h["lead_other"], pid).status_code == 404
    reported = fix(client, h["township_lead"], pid, "已清运 cleared away")
    assert reported.get_json()["status"] == "fix_reported"
    assert upload(client, h["township_lead"], doc["client_uuid"], "fix").status_code == 201
    assert fix(client, h["township_lead"], pid).status_code == 409  # reported already

    # Re-check fails: a note and a new deadline are required, then it is open again.
    assert recheck(client, h["inspector_colleague"], pid, False, "x").status_code == 422
    assert (
        recheck(client, h["inspector_colleague"], pid, False, "", "2026-12-20").status_code == 422
    )
    past = recheck(client, h["inspector_colleague"], pid, False, "still burning", "2026-11-27")
    assert past.status_code == 422
    failed = recheck(client, h["inspector_colleague"], pid, False, "仍有焚烧痕迹", "2026-12-20")
    assert (failed.get_json()["status"], failed.get_json()["deadline"]) == ("open", "2026-12-20")

    at(seeded, "2026-12-15T02:00")
    assert fix(client, h["township_lead"], pid, "再次清理").status_code == 200
    passed = recheck(client, h["inspector"], pid, True, "已整改到位")
    closed = passed.get_json()
    assert (closed["status"], closed["closed_at"]) == ("closed", "2026-12-15T02:00:00+00:00")
    assert recheck(client, h["inspector"], pid, False, "x", "2026-12-30").status_code == 409
    assert upload(client, h["inspector"], doc["client_uuid"], "recheck").status_code == 201
    assert upload(client, h["township_lead"], doc["client_uuid"], "fix").status_code == 409
    # After closing, only the person whose re-check closed it adds its photos (issue 25, 9).
    assert (
        upload(client, h["inspector_colleague"], doc["client_uuid"], "recheck").status_code == 409
    )

    steps = [(e["number"], e["kind"], e["status_to"], e["actor"]) for e in closed["events"]]
    assert steps == [
        (1, "recorded", "open", "insp"),
        (2, "fix_reported", "fix_reported", "lead"),
        (3, "recheck_failed", "open", "insp2"),
        (4, "fix_reported", "fix_reported", "lead"),
        (5, "recheck_passed", "closed", "insp"),
    ]
    assert [e["deadline"] for e in closed["events"]][2] == "2026-12-20"
    with seeded.app_context():
        audit = db.session.execute(
            db.select(AuditEvent.action, AuditEvent.actor_name)
            .where(AuditEvent.object_type == "problems", AuditEvent.object_id == str(pid))
            .order_by(AuditEvent.id)
        ).all()
        assert audit == [
            ("problem.record", "insp"),
            ("problem.report_fix", "lead"),
            ("problem.recheck_fail", "insp2"),
            ("problem.report_fix", "lead"),
            ("problem.recheck_pass", "insp"),
        ]
        photo_audit = db.session.execute(
            db.select(AuditEvent.actor_name, AuditEvent.details)
            .where(AuditEvent.action == "problem_photo.create")
            .order_by(AuditEvent.id)
        ).all()
        assert [(name, d["stage"], d["problem"]) for name, d in photo_audit] == [
            ("insp", "found", pid),
            ("lead", "fix", pid),
            ("insp", "recheck", pid),
        ]
    got = client.get(f"/api/v1/problems/{pid}", headers=h["township_lead"]).get_json()
    assert [p["stage"] for p in got["photos"]] == ["found", "fix", "recheck"]
    photo = client.get(got["photos"][0]["url"], headers=h["township_lead"])
    assert (photo.status_code, photo.mimetype) == (200, "image/jpeg")
    assert client.get(got["photos"][0]["url"], headers=h["lead_other"]).status_code == 404


def test_a_problem_sent_again_is_stored_once(seeded, make_user, auth_headers):
    world, h, client = ledger_world(seeded, make_user, auth_headers)
    body = problem_body(world.village, deadline="2026-12-31", responsible="township")
    first = client.post("/api/v1/problems", json=body, headers=h["inspector"])
    again = client.post("/api/v1/problems", json=body, headers=h["inspector"])
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    other = dict(body, description="something else")
    assert client.post("/api/v1/problems", json=other, headers=h["inspector"]).status_code == 409
    with seeded.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Problem)) == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(ProblemEvent)) == 1


def test_a_known_uuid_from_another_township_answers_as_get_does(seeded, make_user, auth_headers):
    """The re-test replayed a problem's uuid from another township: the same body returned the
    problem in full (notes, photo URLs), another body 409; GET answers 404. Both now 404."""
    world, h, client = ledger_world(seeded, make_user, auth_headers)
    body = problem_body(world.village, description="秸秆焚烧 notes")
    assert client.post("/api/v1/problems", json=body, headers=h["inspector"]).status_code == 201
    same = client.post("/api/v1/problems", json=body, headers=h["inspector_other"])
    other = dict(problem_body(world.other_village), client_uuid=body["client_uuid"])
    different = client.post("/api/v1/problems", json=other, headers=h["inspector_other"])
    assert (same.status_code, different.status_code) == (404, 404)
    assert "秸秆焚烧" not in same.get_data(as_text=True)
    with seeded.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Problem)) == 1


def test_bad_input_and_scope(seeded, make_user, auth_headers):
    world, h, client = ledger_world(seeded, make_user, auth_headers)
    post = lambda body, who="inspector": client.post(  # noqa: E731
        "/api/v1/problems", json=body, headers=h[who]
    )
    assert post(problem_body(world.village, category="nope")).status_code == 422
    assert post(problem_body(world.village, description="")).status_code == 422
    assert post(problem_body(world.village, deadline="2026-11-01")).status_code == 422
    far = post(problem_body(world.village, deadline="9999-12-31"))
    assert far.get_json()["errors"]["deadline"] == [
        "The deadline must be from today to 365 days ahead"
    ]
    assert post(problem_body(world.other_village)).status_code == 422  # not their township
    assert post(problem_body(world.village), "viewer").status_code == 403
    doc = record(client, h["inspector"], world.village)
    assert client.get(f"/api/v1/problems/{doc['id']}", headers=h["lead_other"]).status_code == 404
    assert client.get("/api/v1/problems", headers=h["lead_other"]).get_json() == {"problems": []}
    mine = client.get("/api/v1/problems?status=open", headers=h["county_admin"]).get_json()
    assert [p["id"] for p in mine["problems"]] == [doc["id"]]
    # A lead records one while reviewing an inspection of that village; its default deadline
    # is the category's: 粪污 15 days from 2026-11-28.
    by_lead = record(client, h["township_lead"], world.village, category="manure_dumping")
    assert by_lead["deadline"] == "2026-12-13"
    assert upload(client, h["inspector"], doc["client_uuid"], "fix").status_code == 403


def test_events_are_never_rewritten(seeded, make_user, auth_headers):
    world, h, client = ledger_world(seeded, make_user, auth_headers)
    doc = record(client, h["inspector"], world.village)
    with seeded.app_context():
        row = db.session.execute(db.select(ProblemEvent)).scalar_one()
        row.note = "rewritten"
        try:
            db.session.flush()
        except EventImmutable:
            db.session.rollback()
        else:  # pragma: no cover
            raise AssertionError("an event was rewritten")
        assert db.session.get(Problem, doc["id"]).events[0].note.startswith("村东头")


def test_a_problem_recorded_while_reviewing_shows_on_the_review_page(
    seeded, make_user, auth_headers
):
    world, h, client = ledger_world(seeded, make_user, auth_headers)
    inspection = client.post(
        "/api/v1/inspections", json=payload(world.village), headers=h["inspector"]
    ).get_json()
    elsewhere = problem_body(world.other_village, inspection_id=inspection["id"])
    assert (
        client.post("/api/v1/problems", json=elsewhere, headers=h["county_admin"]).status_code
        == 422
    )  # not an inspection of that village
    doc = record(client, h["township_lead"], world.village, inspection_id=inspection["id"])
    assert doc["inspection_id"] == inspection["id"]
    page = sign_in(seeded, "lead").get(f"/review/{inspection['id']}").get_data(as_text=True)
    assert f'href="/problems/{doc["id"]}">秸秆露天焚烧</a> · 待整改 · 期限 2026-12-05' in page
    saved = sign_in(seeded, "insp").get(f"/inspect/saved/{inspection['id']}")
    assert (
        f"/problems/new?village={world.village}&amp;inspection={inspection['id']}"
        in saved.get_data(as_text=True)
    )


def test_a_problem_photo_passes_the_same_gate_as_an_inspection_photo(
    seeded, make_user, auth_headers, monkeypatch
):
    """Over the pixel cap (6 Mpx in a few KB) it is refused from its header, never decoded, and
    nothing is stored; within it (3 Mpx) it is stored with its size (issue 16, findings 1-2)."""
    world, h, client = ledger_world(seeded, make_user, auth_headers)
    problem = record(client, h["inspector"], world.village)

    def sent(size):
        out = io.BytesIO()
        Image.new("1", size).save(out, "PNG")  # all black: a few KB for millions of pixels
        return client.post(
            f"/api/v1/problems/{problem['client_uuid']}/photos",
            data={
                "client_photo_id": str(uuid.uuid4()),
                "stage": "found",
                "photo": (io.BytesIO(out.getvalue()), "p.png", "image/png"),
            },
            headers=h["inspector"],
            content_type="multipart/form-data",
        )

    def no_decoding(_image):
        raise AssertionError("decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    bomb = sent((3000, 2000))
    assert bomb.status_code == 422, bomb.get_json()
    assert bomb.get_json()["errors"]["photo"] == ["The photo is damaged or too large to read"]
    monkeypatch.undo()
    with seeded.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ProblemPhoto)) == 0
    fits = sent((2000, 1500))
    assert fits.status_code == 201, fits.get_json()
    with seeded.app_context():
        stored = db.session.execute(db.select(ProblemPhoto)).scalars().all()
        assert [(p.width, p.height, p.stage) for p in stored] == [(2000, 1500, "found")]


def test_a_problem_photo_decodes_without_the_write_lock_and_within_the_slots(
    seeded, make_user, auth_headers, monkeypatch
):
    """While one problem photo decodes (held here), another problem is recorded at once (on
    SQLite the write lock is not held through the decode), and with one decode slot a second
    photo is told to come back (503, Retry-After), as an inspection's photo is."""
    from tests.inspections.test_photo_gate import SlowDecode

    world, h, client = ledger_world(seeded, make_user, auth_headers)
    problem = record(client, h["inspector"], world.village)
    seeded.config["PHOTO_DECODE_SLOTS"] = 1
    slow, results = SlowDecode(monkeypatch), []

    def first_photo():
        answer = upload(seeded.test_client(), h["inspector"], problem["client_uuid"], "found")
        results.append(answer.status_code)

    thread = threading.Thread(target=first_photo)
    thread.start()
    assert slow.started.wait(5)
    began = time.monotonic()
    other = seeded.test_client().post(
        "/api/v1/problems", json=problem_body(world.village), headers=h["inspector"]
    )
    waited = time.monotonic() - began
    busy = upload(seeded.test_client(), h["inspector"], problem["client_uuid"], "found")
    slow.release.set()
    thread.join(10)
    assert other.status_code == 201 and waited < 2
    assert slow.released_in_time is True  # the other write did not wait for the decode
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
    assert results == [201]


def test_whoever_reported_the_fix_does_not_pass_its_recheck(seeded, make_user, auth_headers):
    """The re-test's county admin recorded a problem, reported its fix and passed the re-check
    alone. The fix's reporter is refused the re-check (403); someone else closes it."""
    world, h, client = ledger_world(seeded, make_user, auth_headers)
    doc = record(client, h["county_admin"], world.village)
    assert fix(client, h["county_admin"], doc["id"]).status_code == 200
    alone = recheck(client, h["county_admin"], doc["id"], True, "已整改")
    assert alone.status_code == 403
    assert alone.get_json()["error"]["message"] == (
        "Whoever reported the fix does not re-check it; someone else does"
    )
    passed = recheck(client, h["inspector"], doc["id"], True, "已整改到位")
    assert (passed.status_code, passed.get_json()["status"]) == (200, "closed")
