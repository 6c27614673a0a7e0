"""The audit log records every action with who, when, from where and what changed; county
admins browse and filter it; nothing in the app can change an event."""

import pytest

from app.accounts.audit import AuditImmutable
from app.extensions import db
from app.models import AuditEvent
from tests.review_world import HOSTILE, make_world, payload, sign_in


def events(app):
    with app.app_context():
        rows = db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        return [(e.action, e.actor_name, e.object_type, e.ip, e.details) for e in rows]


def test_the_audit_log_records_each_action(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    client = seeded.test_client()
    # Sign-ins: a failure, then a success, on the page; a token through the API.
    client.post("/login", data={"username": "insp", "password": "wrong password!"})
    sign_in(seeded, "insp")
    token = client.post(
        "/api/v1/auth/token", json={"username": "insp", "password": "correct horse battery"}
    )
    inspector = {"Authorization": f"Bearer {token.get_json()['token']}"}
    lead, admin = (
        auth_headers(world.users["township_lead"]),
        auth_headers(world.users["county_admin"]),
    )
    first = payload(world.village)
    doc = client.post("/api/v1/inspections", json=first, headers=inspector).get_json()
    url = f"/api/v1/inspections/{doc['id']}"
    client.post(f"{url}/return", json={"comment": "check households"}, headers=lead)
    client.put(
        url,
        json=payload(world.village, households=90, client_uuid=first["client_uuid"]),
        headers=inspector,
    )
    client.post(f"{url}/approve", headers=lead)
    client.post(f"{url}/reopen", headers=admin)
    client.delete(url, json={"reason": "entered twice"}, headers=lead)
    client.post(f"{url}/restore", headers=admin)
    sign_in(seeded, "admin").post("/admin/settings", data={"reports_scope": "approved"})
    client.post("/api/v1/auth/revoke", headers=inspector)

    log = events(seeded)
    actions = [(a, who) for a, who, *_rest in log]
    assert actions == [
        ("auth.login_failed", "insp"),
        ("auth.login", "insp"),  # the sign-in page
        ("auth.login", "insp"),
        ("auth.token", "insp"),  # the API
        ("inspection.create", "insp"),
        ("inspection.return", "lead"),
        ("inspection.edit", "insp"),
        ("inspection.approve", "lead"),
        ("inspection.reopen", "admin"),
        ("inspection.delete", "lead"),
        ("inspection.restore", "admin"),
        ("auth.login", "admin"),
        ("settings.change", "admin"),
        ("auth.revoke", "insp"),
    ]
    by_action = {a: (kind, ip, details) for a, _who, kind, ip, details in log}
    assert by_action["inspection.create"][:2] == ("inspections", "127.0.0.1")
    assert by_action["inspection.return"][2]["comment"] == "check households"
    assert by_action["inspection.return"][2]["status_to"] == "returned"
    # What changed, field by field: households 100 → 90.
    assert by_action["inspection.edit"][2]["changed"] == {"households": [100, 90]}
    assert by_action["inspection.edit"][2]["status"] == "resubmitted"
    assert by_action["inspection.delete"][2]["reason"] == "entered twice"
    assert by_action["settings.change"][2] == {"before": False, "after": True}
    assert by_action["auth.revoke"][2] == {"tokens": 1, "all": False}


def test_admins_browse_and_filter_the_log_which_cannot_change(seeded, make_user):
    make_world(seeded, make_user)
    client = seeded.test_client()
    client.post("/login", data={"username": HOSTILE[:60], "password": "x"})
    admin = sign_in(seeded, "admin")
    page = admin.get("/admin/audit?action=auth.login_failed").get_data(as_text=True)
    # Codes shown as words (the code is kept in the cell's title), times on the county's clock.
    assert '<td title="auth.login_failed">登录失败</td>' in page
    assert 'title="auth.login"' not in page
    assert "时间（县时间）" in page and "UTC" not in page
    # A hostile user name is shown as text, never as markup.
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    logins = admin.get("/admin/audit?action=auth.login").get_data(as_text=True)
    assert 'title="auth.login_failed"' not in logins
    assert '<td title="auth.login">登录</td>' in logins
    assert admin.get("/admin/audit?since=yesterday").status_code == 422
    assert admin.get("/admin/audit?page=0").status_code == 422
    # No route writes the log, and the app refuses a flush that would change or delete an event.
    assert admin.post("/admin/audit").status_code == 405
    with seeded.app_context():
        event = db.session.execute(db.select(AuditEvent)).scalars().first()
        event.action = "nothing happened"
        with pytest.raises(AuditImmutable):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.execute(db.select(AuditEvent)).scalars().first())
        with pytest.raises(AuditImmutable):
            db.session.flush()
        db.session.rollback()
