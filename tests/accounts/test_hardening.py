"""Hardening: a login throttle shared by every worker, CSRF on forms and session JSON writes,
cookie flags, a refusal to start in production with a weak key, security headers, revocable
tokens and password rules."""

from datetime import timedelta

import pytest

from app import create_app
from app.accounts.passwords import password_problems
from app.accounts.policy import allow
from app.clock import utc_now
from app.config import InsecureConfig
from app.extensions import db
from app.models import ApiToken, LoginFailure, User
from app.security import add_nonce, inline_scripts
from tests.api_payloads import dispose
from tests.review_world import make_world, payload, sign_in

WRONG = {"username": "insp", "password": "not the password"}


@pytest.fixture
def twin(seeded):
    """A second app on the same database: another gunicorn worker, as far as state goes. Its
    engine is disposed afterwards (left to the garbage collector, its connection stays open)."""
    app = create_app(
        {k: seeded.config[k] for k in ("TESTING", "DATABASE_URL", "SECRET_KEY", "WTF_CSRF_ENABLED")}
    )
    yield app
    dispose(app)


def test_ten_failed_logins_are_throttled_across_two_app_instances(seeded, twin, make_user):
    make_world(seeded, make_user)
    workers = [seeded.test_client(), twin.test_client()]
    statuses = []
    for attempt in range(10):  # alternate workers: each sees only 5 of the 10 attempts
        response = workers[attempt % 2].post(
            "/api/v1/auth/token", json=WRONG, headers={"Accept-Language": "en"}
        )
        statuses.append(response.status_code)
    # 5 failures in the minute are allowed; the 6th..10th are refused before any password check.
    assert statuses == [401] * 5 + [429] * 5
    assert response.get_json()["error"]["message"] == (
        "Too many failed sign-ins; try again in a minute"
    )
    # Even the right password is refused now, on either worker and on the sign-in page (中文).
    right = {"username": "insp", "password": "correct horse battery"}
    assert workers[1].post("/api/v1/auth/token", json=right).status_code == 429
    page = workers[0].post("/login", data=right)
    assert page.status_code == 429 and "登录失败次数过多" in page.get_data(as_text=True)


def test_the_throttle_counts_per_address_and_forgets_after_a_minute(seeded, make_user):
    make_world(seeded, make_user)
    client = seeded.test_client()
    right = {"username": "insp", "password": "correct horse battery"}
    with seeded.app_context():  # 29 failures on 29 accounts from one address (127.0.0.1)
        for n in range(29):
            db.session.add(LoginFailure(at=utc_now(), username=f"user{n}", ip="127.0.0.1"))
        db.session.commit()
    # Five typos of other people behind one address no longer lock anyone out…
    assert client.post("/api/v1/auth/token", json=right).status_code == 201
    # …but the 30th failure from the address does.
    client.post("/api/v1/auth/token", json={"username": "e", "password": "x"})
    assert client.post("/api/v1/auth/token", json=right).status_code == 429
    other_address = seeded.test_client()
    assert (
        other_address.post(
            "/api/v1/auth/token", json=right, environ_base={"REMOTE_ADDR": "10.0.0.7"}
        ).status_code
        == 201
    )
    with seeded.app_context():  # age every failure past the one-minute window
        for row in db.session.execute(db.select(LoginFailure)).scalars():
            row.at = utc_now() - timedelta(minutes=2)
        db.session.commit()
    assert client.post("/api/v1/auth/token", json=right).status_code == 201


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def test_posts_without_a_csrf_token_are_refused(csrf_app, seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    client = seeded.test_client()
    refused = client.post("/login", data={"username": "insp", "password": "correct horse battery"})
    assert refused.status_code == 400 and "session" not in refused.headers.get("Set-Cookie", "")
    form = client.get("/login").get_data(as_text=True)
    token = form.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    signed_in = client.post(
        "/login",
        data={"username": "insp", "password": "correct horse battery", "csrf_token": token},
    )
    assert signed_in.status_code == 302
    # Signing in starts a new session, so the page's token is new too (no session fixation).
    home = client.get("/inspect/").get_data(as_text=True)
    token = home.split('name="csrf_token" value="')[1].split('"')[0]
    # A same-origin JSON write from the signed-in session needs the header too…
    body = payload(world.village)
    assert client.post("/api/v1/inspections", json=body).status_code == 400
    assert (
        client.post("/api/v1/inspections", json=body, headers={"X-CSRFToken": token}).status_code
        == 201
    )
    # …and so does every other form, e.g. signing out or a lead's review button.
    assert client.post("/logout").status_code == 400
    # A bearer token is not a cookie a browser sends by itself: no CSRF token needed.
    other = payload(world.village)
    assert (
        client.post(
            "/api/v1/inspections", json=other, headers=auth_headers(world.users["inspector"])
        ).status_code
        == 201
    )


def test_session_cookie_flags(seeded, make_user):
    make_world(seeded, make_user)
    login = {"username": "insp", "password": "correct horse battery"}
    plain = seeded.test_client().post("/login", data=login).headers["Set-Cookie"]
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    https = seeded.test_client().post("/login", data=login, base_url="https://cunjian.example")
    assert "Secure" in https.headers["Set-Cookie"]
    seeded.config["SESSION_COOKIE_SECURE"] = True
    assert "Secure" in seeded.test_client().post("/login", data=login).headers["Set-Cookie"]


def test_production_refuses_a_missing_or_weak_secret_key(monkeypatch, tmp_path):
    base = {"DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}"}
    monkeypatch.setenv("CUNJIAN_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(InsecureConfig):
        create_app(base)
    monkeypatch.setenv("SECRET_KEY", "changeme")
    with pytest.raises(InsecureConfig):
        create_app(base)
    monkeypatch.setenv("SECRET_KEY", "a" * 40)  # long but one character
    with pytest.raises(InsecureConfig):
        create_app(base)
    monkeypatch.setenv("SECRET_KEY", "9f0c2a7be14d4f6a8c3e5b71d2094e6fa1b3c5d7")
    assert create_app(base).config["SECRET_KEY"].startswith("9f0c")
    monkeypatch.delenv("SECRET_KEY")
    assert create_app({**base, "TESTING": True}).config["SECRET_KEY"]  # tests and dev: fine


def test_security_headers_and_the_map_nonce(app):
    app.config["MAP_TILE_URL"] = "https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}"

    @inline_scripts
    @allow("public")
    def folium_like():
        return add_nonce(
            "<script>var map = L.map('m');</script><script src='/static/x.js'></script>"
        )

    app.add_url_rule("/map-demo", "map_demo", folium_like)
    client = app.test_client()
    page = client.get("/login")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp
    assert "img-src 'self' data: blob: https://*.tianditu.gov.cn;" in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Permissions-Policy"].startswith("geolocation=(self), camera=()")
    mapped = client.get("/map-demo")
    nonce = mapped.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert mapped.get_data(as_text=True).count(f'<script nonce="{nonce}"') == 2
    assert "style-src 'self' 'unsafe-inline'" in mapped.headers["Content-Security-Policy"]
    again = client.get("/map-demo").headers["Content-Security-Policy"]
    assert nonce not in again  # a fresh nonce per response
    assert "no-store" not in page.headers.get("Cache-Control", "")  # anonymous sign-in page


def test_signed_in_answers_are_not_cached(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    api = seeded.test_client().get("/api/v1/townships", headers=auth_headers(world.users["viewer"]))
    assert api.headers["Cache-Control"] == "no-store"
    assert sign_in(seeded, "lead").get("/review").headers["Cache-Control"] == "no-store"


def test_a_token_request_gets_no_cookie_and_a_browser_session_still_round_trips(
    seeded, make_user, auth_headers
):
    """A request without a session cookie gets an empty session without the signing serializer
    (app/security.py) and sets no cookie; a signed-in browser's cookie is still read, and removed
    at sign-out."""
    world = make_world(seeded, make_user)
    api = seeded.test_client().get("/api/v1/townships", headers=auth_headers(world.users["viewer"]))
    assert api.status_code == 200
    assert "Set-Cookie" not in api.headers
    browser = sign_in(seeded, "lead")
    assert browser.get("/api/v1/townships").status_code == 200  # the cookie was read
    signed_out = browser.post("/logout")
    assert "session=;" in signed_out.headers.get("Set-Cookie", "")  # an emptied session is removed
    assert browser.get("/api/v1/townships").status_code == 401


def test_tokens_expire_and_can_be_revoked(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    client = seeded.test_client()
    one, two = auth_headers(world.users["inspector"]), auth_headers(world.users["inspector"])
    assert client.get("/api/v1/townships", headers=one).status_code == 200
    assert client.post("/api/v1/auth/revoke", headers=one).get_json() == {"revoked": 1}
    assert client.get("/api/v1/townships", headers=one).status_code == 401
    assert client.get("/api/v1/townships", headers=two).status_code == 200
    three = auth_headers(world.users["inspector"])
    assert client.post("/api/v1/auth/revoke", json={"all": True}, headers=three).get_json() == {
        "revoked": 2
    }
    assert client.get("/api/v1/townships", headers=two).status_code == 401
    four = auth_headers(world.users["inspector"])
    with seeded.app_context():
        for row in db.session.execute(db.select(ApiToken)).scalars():
            row.expires_at = utc_now() - timedelta(seconds=1)
        db.session.commit()
    assert client.get("/api/v1/townships", headers=four).status_code == 401


def test_password_rules(runner, seeded):
    assert password_problems("short") == ["too_short"]
    assert password_problems("x" * 129) == ["too_long", "too_common"]
    assert password_problems("qwerty123456") == ["too_common"]
    assert password_problems("zhangsan-2026-spring", "zhangsan") == ["contains_username"]
    assert password_problems("马上就到长城脚下了啊朋友们") == []  # length counts characters
    weak = runner.invoke(
        args=["create-user", "admin2", "--role", "county_admin", "--password", "password1234"]
    )
    assert weak.exit_code != 0 and "too common" in weak.output
    strong = runner.invoke(
        args=[
            "create-user",
            "admin2",
            "--role",
            "county_admin",
            "--password",
            "Tea in Hunyuan at dawn",
        ]
    )
    assert strong.exit_code == 0, strong.output


def test_changing_the_password_checks_the_rules_and_revokes_tokens(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    token = auth_headers(world.users["inspector"])
    browser = sign_in(seeded, "insp")
    short = {"current": "correct horse battery", "new": "short", "confirm": "short"}
    page = browser.post("/account/password?lang=en", data=short)
    assert page.status_code == 422 and "At least 12 characters" in page.get_data(as_text=True)
    wrong = dict(short, current="not it", new="a long new phrase", confirm="a long new phrase")
    page = browser.post("/account/password?lang=zh", data=wrong)
    assert "当前密码错误" in page.get_data(as_text=True)
    good = dict(wrong, current="correct horse battery")
    assert browser.post("/account/password", data=good).status_code == 200
    client = seeded.test_client()
    assert client.get("/api/v1/townships", headers=token).status_code == 401
    old = {"username": "insp", "password": "correct horse battery"}
    assert client.post("/api/v1/auth/token", json=old).status_code == 401
    new = {"username": "insp", "password": "a long new phrase"}
    assert client.post("/api/v1/auth/token", json=new).status_code == 201


def test_a_one_time_password_cannot_be_changed_to_itself(seeded, runner):
    """The re-test "changed" a reset password to itself, which cleared the forced change."""
    made = runner.invoke(
        args=["create-user", "newcomer", "--role", "viewer", "--password", "a long first phrase"]
    )
    assert made.exit_code == 0, made.output
    with seeded.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "newcomer"))
        user.must_change_password = True
        db.session.commit()
    browser = sign_in(seeded, "newcomer", "a long first phrase")
    same = {"current": "a long first phrase", "new": "a long first phrase"}
    page = browser.post("/account/password?lang=en", data={**same, "confirm": same["new"]})
    assert page.status_code == 422
    assert "The new password must differ from the current one" in page.get_data(as_text=True)
    with seeded.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "newcomer"))
        assert user.must_change_password is True
