"""The sign-in throttle and its audit trail after the security review (issue 16, findings 5-7):
the account's count holds whatever address is claimed, a forged address cannot break the insert,
refusals are aggregated in the audit log, unknown usernames cost a real hash, and the current
password check of /account/password is throttled and audited."""

import time
from datetime import timedelta

import pytest

from app import create_app
from app.clock import utc_now
from app.extensions import db
from app.models import AuditEvent, LoginFailure, LoginRefusal
from tests.review_world import make_world, sign_in

RIGHT = {"username": "insp", "password": "correct horse battery"}


@pytest.fixture
def behind_proxy(seeded):
    """The same database, served as behind one trusted proxy (PROXY_COUNT=1); its engine is
    disposed after the test (an open PostgreSQL connection would warn later, as an error)."""
    names = ("TESTING", "DATABASE_URL", "SECRET_KEY", "WTF_CSRF_ENABLED")
    proxied = create_app({**{k: seeded.config[k] for k in names}, "PROXY_COUNT": 1})
    yield proxied
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


def events(app, action):
    with app.app_context():
        return (
            db.session.execute(
                db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
            .scalars()
            .all()
        )


def test_a_forged_address_neither_escapes_the_account_count_nor_breaks_the_insert(
    seeded, make_user, behind_proxy
):
    make_world(seeded, make_user)
    client = behind_proxy.test_client()
    statuses = []
    for n in range(6):  # a new claimed address for every guess
        response = client.post(
            "/api/v1/auth/token",
            json={"username": "insp", "password": f"guess {n}"},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        )
        statuses.append(response.status_code)
    # A new address each time is not this address's count (issue 25 finding 6: a stranger must
    # not lock the owner out), but the account's count over every address holds: 6 so far, 94
    # more make 100, and the next guess is refused whatever address it claims.
    assert statuses == [401] * 6
    with seeded.app_context():
        for n in range(94):
            db.session.add(LoginFailure(at=utc_now(), username="insp", ip=f"198.51.100.{n}"))
        db.session.commit()
    refused = client.post(
        "/api/v1/auth/token", json=RIGHT, headers={"X-Forwarded-For": "192.0.2.200"}
    )
    assert refused.status_code == 429
    with seeded.app_context():
        db.session.execute(db.delete(LoginFailure))
        db.session.commit()
    forged = "9" * 100
    response = client.post(
        "/api/v1/auth/token",
        json={"username": "insp", "password": "wrong"},
        headers={"X-Forwarded-For": forged},
    )
    assert response.status_code == 401  # was a 500 on PostgreSQL (ip is VARCHAR(64))
    assert [e.ip for e in events(seeded, "auth.login_failed")][-1] == "invalid"
    ok = client.post("/api/v1/auth/token", json=RIGHT, headers={"X-Forwarded-For": "2001:db8::1"})
    assert ok.status_code == 201
    assert events(seeded, "auth.login")[-1].ip == "2001:db8::1"


def test_a_stranger_guessing_does_not_lock_the_owner_out(seeded, make_user, behind_proxy):
    """Five wrong passwords a minute for one name from one address refuse that address (the
    sixth, even right, is 429 there) while the owner signs in from their own."""
    make_world(seeded, make_user)
    client = behind_proxy.test_client()
    stranger = {"X-Forwarded-For": "203.0.113.9"}
    for n in range(5):
        wrong = {"username": "insp", "password": f"guess {n}"}
        assert client.post("/api/v1/auth/token", json=wrong, headers=stranger).status_code == 401
    assert client.post("/api/v1/auth/token", json=RIGHT, headers=stranger).status_code == 429
    owner = {"X-Forwarded-For": "10.1.2.3"}
    assert client.post("/api/v1/auth/token", json=RIGHT, headers=owner).status_code == 201


def test_throttled_requests_add_one_event_per_minute_and_then_their_total(seeded, make_user):
    make_world(seeded, make_user)
    with seeded.app_context():  # the account is already throttled from the test client's address
        for _ in range(5):
            db.session.add(LoginFailure(at=utc_now(), username="insp", ip="127.0.0.1"))
        db.session.commit()
    client = seeded.test_client()
    statuses = {client.post("/api/v1/auth/token", json=RIGHT).status_code for _ in range(60)}
    assert statuses == {429}
    throttled = events(seeded, "auth.throttled")
    assert len(throttled) == 1 and throttled[0].actor_name == "insp"
    with seeded.app_context():
        assert db.session.scalar(db.select(LoginRefusal.refused)) == 60
        for row in db.session.execute(db.select(LoginRefusal)).scalars():
            row.window_start = row.window_start - timedelta(minutes=1)  # the minute is over
        for row in db.session.execute(db.select(LoginFailure)).scalars():
            row.at = utc_now() - timedelta(minutes=2)
        db.session.commit()
    assert client.post("/api/v1/auth/token", json={**RIGHT, "password": "no"}).status_code == 401
    totals = events(seeded, "auth.throttled_total")
    assert [(e.actor_name, e.details["refused"]) for e in totals] == [("insp", 60)]
    with seeded.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(LoginRefusal)) == 0


def fastest_login_seconds(client, username):
    """The fastest of five tries: the least disturbed by other work on a shared machine."""
    times = []
    for n in range(5):
        began = time.perf_counter()
        client.post("/api/v1/auth/token", json={"username": username, "password": f"no {n}"})
        times.append(time.perf_counter() - began)
    return min(times)


def test_an_unknown_username_takes_as_long_as_a_wrong_password(seeded, make_user):
    make_world(seeded, make_user)
    client = seeded.test_client()
    known = fastest_login_seconds(client, "insp")
    unknown = fastest_login_seconds(seeded.test_client(), "nobody-here")
    # Before: ~6 ms against ~110-260 ms. Now both check one scrypt hash.
    assert unknown > 0.6 * known, (unknown, known)


def test_the_current_password_check_is_throttled_and_audited(seeded, make_user):
    make_world(seeded, make_user)
    browser = sign_in(seeded, "insp")
    change = {"current": "a guess", "new": "a long new phrase", "confirm": "a long new phrase"}
    statuses = [browser.post("/account/password", data=change).status_code for _ in range(6)]
    assert statuses == [422] * 5 + [429]
    right = dict(change, current="correct horse battery")
    refused = browser.post("/account/password?lang=en", data=right)
    assert refused.status_code == 429 and "Too many failed sign-ins" in refused.get_data(
        as_text=True
    )
    failed = events(seeded, "auth.password_check_failed")
    assert [(e.actor_name, e.object_type) for e in failed] == [("insp", "users")] * 5
    assert len(events(seeded, "auth.throttled")) == 1


def test_spraying_names_from_a_throttled_address_adds_one_event(seeded, make_user):
    make_world(seeded, make_user)
    with seeded.app_context():  # the address (127.0.0.1, the test client's) is throttled
        for n in range(30):
            db.session.add(LoginFailure(at=utc_now(), username=f"user{n}", ip="127.0.0.1"))
        db.session.commit()
    client = seeded.test_client()
    for n in range(40):  # a new name each time
        body = {"username": f"guess{n}", "password": "x"}
        assert client.post("/api/v1/auth/token", json=body).status_code == 429
    throttled = events(seeded, "auth.throttled")
    assert [(e.actor_name, e.ip) for e in throttled] == [("*", "127.0.0.1")]
    with seeded.app_context():
        assert db.session.scalar(db.select(LoginRefusal.refused)) == 40
