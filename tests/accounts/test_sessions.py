"""Sessions can be revoked (issue 16, finding 4): a copy of a session cookie stops working at
once after the person signs out, changes their password, is deactivated or has their role
changed, because each cookie carries the person's session version."""

from datetime import UTC

from app.accounts.people import change_person, deactivate
from app.clock import utc_now
from app.extensions import db
from app.models import AuditEvent, Inspection, Township, User, Village
from tests.review_world import PASSWORD, TOWNSHIP, make_world, payload, session_id, sign_in

NEW_PASSWORD = "a longer phrase of my own"


def copy_of(app, client):
    """Another browser holding the same session cookie (as a thief who copied it would)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_in(client) -> bool:
    """The review queue (a lead's page) answers 200 when signed in, a sign-in redirect if not."""
    status = client.get("/review").status_code
    assert status in (200, 302)
    return status == 200


def test_a_copied_cookie_is_refused_after_sign_out(seeded):
    make_world(seeded)
    browser = sign_in(seeded, "lead")
    thief = copy_of(seeded, browser)
    assert signed_in(thief)
    assert browser.post("/logout").status_code == 302
    assert not signed_in(thief)
    assert not signed_in(browser)
    with seeded.app_context():
        assert db.session.scalar(db.select(User.session_version).filter_by(username="lead")) == 2


def test_a_copied_cookie_is_refused_after_a_password_change(seeded):
    make_world(seeded)
    browser = sign_in(seeded, "lead")
    thief = copy_of(seeded, browser)
    changed = browser.post(
        "/account/password",
        data={"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 200
    assert not signed_in(thief)
    assert signed_in(browser)  # the browser that changed it goes on
    assert signed_in(sign_in(seeded, "lead", NEW_PASSWORD))


def test_deactivation_and_a_role_change_end_open_sessions_and_tokens(seeded, auth_headers):
    world = make_world(seeded)
    lead, inspector = sign_in(seeded, "lead"), sign_in(seeded, "insp")
    token = auth_headers(world.users["inspector"])
    assert signed_in(lead)
    assert inspector.get("/inspect/").status_code == 200
    with seeded.app_context():
        admin = db.session.get(User, world.users["county_admin"])
        change_person(
            admin,
            db.session.get(User, world.users["township_lead"]),
            "inspector",
            db.session.get(User, world.users["township_lead"]).township,
        )
        assert deactivate(admin, db.session.get(User, world.users["inspector"])) == 1
        db.session.commit()
    assert not signed_in(lead)
    assert inspector.get("/inspect/").status_code == 302
    assert seeded.test_client().get("/api/v1/session", headers=token).status_code == 401
    with seeded.app_context():
        actions = db.session.scalars(
            db.select(AuditEvent.action).where(AuditEvent.action.like("user.%"))
        ).all()
    assert sorted(actions) == ["user.change", "user.deactivate"]


def test_a_session_without_a_version_or_with_an_old_one_is_refused(seeded):
    world = make_world(seeded)
    lead = world.users["township_lead"]
    current = session_id(seeded, lead)
    assert current == f"{lead}:1"
    for stored, ok in ((current, True), (str(lead), False), (f"{lead}:0", False), ("x:1", False)):
        client = seeded.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = stored, True
        assert signed_in(client) is ok, stored


def test_sign_in_records_the_last_login(seeded):
    world = make_world(seeded)
    before = utc_now()
    sign_in(seeded, "lead")
    after = utc_now()
    with seeded.app_context():
        lead = db.session.get(User, world.users["township_lead"])
        other = db.session.get(User, world.users["lead_other"])
        stamp = lead.last_login_at
        stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)  # SQLite: naive UTC
        assert before <= stamp <= after
        assert other.last_login_at is None
        assert lead.township.code == TOWNSHIP


def test_moving_an_inspector_to_another_township_ends_their_tokens(seeded, auth_headers):
    """The re-test moved an inspector to 140225103 and posted there with the old token: 201.
    A token acts as the person now is, so it ends with the move (and the audit says how many)."""
    world = make_world(seeded)
    token = auth_headers(world.users["inspector"])
    with seeded.app_context():
        admin = db.session.get(User, world.users["county_admin"])
        inspector = db.session.get(User, world.users["inspector"])
        moved_to = db.session.scalar(db.select(Township).where(Township.code == "140225103"))
        assert change_person(admin, inspector, "inspector", moved_to) is True
        db.session.commit()
        village = db.session.scalar(
            db.select(Village.code)
            .where(Village.code.startswith("140225103"), Village.kind == "village")
            .order_by(Village.code)
        )
    posted = seeded.test_client().post("/api/v1/inspections", json=payload(village), headers=token)
    assert posted.status_code == 401
    with seeded.app_context():
        change = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == "user.change")
        ).one()
        assert change.details["tokens_revoked"] == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(Inspection)) == 0
