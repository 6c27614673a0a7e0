"""On a 360 px phone, with CSRF on as in production: an admin adds an inspector on the web, the
inspector signs in with the one-time password and must choose their own first, the admin
deactivates them, and the inspector's open session and API token stop working at once."""

import json
import urllib.error
import urllib.request

import pytest

from app.extensions import db
from app.models import User
from tests.browser.conftest import PHONE
from tests.browser_support import seeded_sqlite_app, serving

pytestmark = pytest.mark.browser

ADMIN = ("boss", "the admin's own long phrase")
OWN = "my very own long phrase"
TOWNSHIP = "140225101"  # 西坊城镇


@pytest.fixture(scope="module")
def people_server(tmp_path_factory):
    app = seeded_sqlite_app(tmp_path_factory.mktemp("people"), "people")
    with app.app_context():
        admin = User(username=ADMIN[0], role="county_admin")
        admin.set_password(ADMIN[1])
        db.session.add(admin)
        db.session.commit()
    with serving(app) as url:
        yield url, app


def submit(page, selector="main button[type=submit]"):
    """Click and wait for the page the form answers with (a click alone does not wait)."""
    with page.expect_navigation():
        page.click(selector)


def sign_in(page, url, username, password):
    page.goto(url + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    submit(page)


def api(url, path, body=None, token=None) -> int:
    request = urllib.request.Request(
        url + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_an_admin_adds_and_deactivates_an_inspector_on_a_phone(people_server, chromium):
    url, app = people_server
    admin_context = chromium.new_context(**PHONE)
    phone_context = chromium.new_context(**PHONE)
    try:
        admin, phone = admin_context.new_page(), phone_context.new_page()
        sign_in(admin, url, *ADMIN)
        submit(admin, "#home-menu >> text=人员管理")  # the home page lists the menu
        submit(admin, "text=添加人员")
        assert fits(admin)
        admin.fill("#username", "zhao")
        admin.fill("#display_name", "赵小明")
        admin.select_option("#role", "inspector")
        admin.select_option("#township", TOWNSHIP)
        submit(admin)
        password = admin.text_content("#one-time-password").strip()
        assert len(password) == 16 and "已添加 zhao" in admin.text_content("main")

        # the one-time password works once, for one thing: choosing one's own
        status, body = api(url, "/api/v1/auth/token", {"username": "zhao", "password": password})
        assert (status, body["error"]["code"]) == (403, "password_change_required")
        sign_in(phone, url, "zhao", password)
        assert phone.url == url + "/account/password"
        phone.goto(url + "/inspect/")
        assert phone.url == url + "/account/password"
        assert fits(phone)
        phone.fill("#current", password)
        phone.fill("#new", OWN)
        phone.fill("#confirm", OWN)
        submit(phone)
        assert "密码已修改" in phone.text_content("main")
        phone.goto(url + "/inspect/")
        assert phone.url == url + "/inspect/"
        status, body = api(url, "/api/v1/auth/token", {"username": "zhao", "password": OWN})
        assert status == 201
        token = body["token"]
        assert api(url, "/api/v1/session", token=token)[0] == 200

        # the admin sees them in the list and deactivates them
        admin.goto(url + "/admin/people")
        assert fits(admin)
        row = admin.locator("tr", has_text="zhao")
        assert "检查员" in row.text_content() and "西坊城镇" in row.text_content()
        with admin.expect_navigation():
            row.locator("a").click()
        assert fits(admin)
        submit(admin, "#deactivate")
        assert "已停用 zhao" in admin.text_content("main")

        # their open session and their token end at once
        phone.goto(url + "/inspect/")
        assert phone.url.startswith(url + "/login")
        assert api(url, "/api/v1/session", token=token)[0] == 401
        with app.app_context():
            zhao = db.session.execute(db.select(User).filter_by(username="zhao")).scalar()
            assert (zhao.active, zhao.must_change_password) == (False, False)
    finally:
        admin_context.close()
        phone_context.close()
