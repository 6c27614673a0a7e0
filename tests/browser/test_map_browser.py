"""/map in a real headless Chromium with every request to another host aborted and recorded:
the page loads from the app alone, the seeded villages have their status colours, and a popup
shows a hostile village name as text with window.alert hooked (it must never fire).

Uses the shared `chromium` fixture (tests/conftest.py) and its own server: a fresh SQLite
county with the scenario of tests/map_helpers.py, served on a free loopback port.
"""

import os

import pytest

from app.extensions import db
from app.models import User
from tests.browser_support import seeded_sqlite_app, serving
from tests.map_helpers import CODES, HOSTILE, PERIOD, seed_scenario
from tests.paths import SCREENSHOTS

pytestmark = pytest.mark.browser
ADMIN = ("mapadmin", "correct horse battery")
SCREENSHOT = SCREENSHOTS / "map.png"
# Set before any page script runs: alert/confirm/prompt only record what they were asked.
HOOK_ALERT = """
window.__alerts = [];
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = (message) => { window.__alerts.push(name + ":" + String(message)); };
}
"""


@pytest.fixture(scope="module")
def map_server(tmp_path_factory):
    app = seeded_sqlite_app(tmp_path_factory.mktemp("map_server"), "map")
    with app.app_context():
        admin = User(username=ADMIN[0], role="county_admin")
        admin.set_password(ADMIN[1])
        db.session.add(admin)
        db.session.commit()
        admin_id = admin.id
    seed_scenario(app, admin_id, hostile=CODES["not_reported"])
    with serving(app) as url:
        yield url


def test_map_offline_colours_and_escaped_popup(map_server, chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    context.set_default_timeout(10_000)
    offsite, dialogs = [], []

    def only_the_app(route):
        if route.request.url.startswith(map_server + "/"):
            route.continue_()
        else:
            offsite.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_app)
    context.add_init_script(HOOK_ALERT)
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(f"{map_server}/login")
        page.get_by_label("用户名").fill(ADMIN[0])
        page.get_by_label("密码").fill(ADMIN[1])
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{map_server}/")
        page.goto(f"{map_server}/map?indicator=manure_utilisation&period={PERIOD}")
        page.wait_for_load_state("networkidle")

        # Colours as drawn (SVG paths): 0 % red, no data grey, not reported white.
        expected = {
            "meets": "#1a9850",
            "near": "#fdae61",
            "behind": "#d73027",
            "no_data": "#8c8c8c",
            "not_reported": "#ffffff",
        }
        for status, code in CODES.items():
            marker = page.locator(f"path.cj-v-{code}")
            assert marker.get_attribute("fill") == expected[status], status
            assert f"cj-s-{status}" in marker.get_attribute("class")
        assert page.locator("path.cj-village").count() == 12
        assert page.locator("path.cj-township").count() == 16

        # The hostile name, as text, in the popup and in the tooltip.
        page.locator(f"path.cj-v-{CODES['not_reported']}").click()
        popup = page.locator(".leaflet-popup-content .cj-popup")
        popup.wait_for()
        assert popup.locator("strong").text_content() == HOSTILE
        assert popup.locator("img, script").count() == 0
        assert popup.locator("a").get_attribute("href") == (
            f"/dashboard/village/{CODES['not_reported']}"
        )
        assert "未报告该项" in popup.text_content()
        page.locator(f"path.cj-v-{CODES['not_reported']}").hover()
        assert page.locator(".leaflet-tooltip").last.text_content() == HOSTILE
        assert page.locator("img[src='x']").count() == 0

        # A normal village's popup, for the screenshot and its figures (许村 75/100).
        page.locator(".leaflet-popup-close-button").click()
        page.locator(f"path.cj-v-{CODES['near']}").click()
        near = page.locator(".leaflet-popup-content .cj-popup")
        near.wait_for()
        text = near.text_content()
        assert "许村村委会" in text and "75.0 %" in text and "75 / 100" in text
        assert "80.0 %" in text  # the target
        page.mouse.move(5, 5)
        page.wait_for_timeout(400)  # let Leaflet's popup fade-in finish before the picture
        if os.environ.get("CUNJIAN_SCREENSHOTS") == "1" or not SCREENSHOT.exists():
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)

        assert page.evaluate("window.__alerts") == []
        assert dialogs == []
        assert offsite == []
    finally:
        context.close()
