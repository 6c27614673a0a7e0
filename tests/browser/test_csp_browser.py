"""In a real Chromium, the pages this branch owns and the inspection form run under the
Content-Security-Policy without a single violation, and the session cookie is HttpOnly."""

import os

import pytest

from tests.browser_support import CHROMIUM, serving
from tests.review_world import PASSWORD, make_world, payload

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian chromium at " + CHROMIUM),
]


@pytest.fixture
def served(seeded):
    with serving(seeded) as url:
        yield url


def test_pages_run_under_the_csp_without_violations(
    seeded, make_user, auth_headers, served, chromium
):
    if not seeded.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("one database is enough for a browser check")

    world = make_world(seeded, make_user)
    seeded.test_client().post(
        "/api/v1/inspections",
        json=payload(world.village, notes="<b>x</b>"),
        headers=auth_headers(world.users["inspector"]),
    )
    violations = []
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        for who, paths in (
            ("insp", ["/inspect/", f"/inspect/{world.village}"]),
            ("lead", ["/review"]),
        ):
            page.context.clear_cookies()
            page.goto(served + "/login")
            page.fill("#username", who)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            for path in paths:
                page.goto(served + path)
                page.wait_for_load_state("load")
        # The form's script ran (it builds the step navigation), so 'self' scripts are allowed.
        page.goto(served + f"/inspect/{world.village}")
        cookies = {c["name"]: c for c in page.context.cookies()}
    finally:
        context.close()
    assert violations == []
    assert cookies["session"]["httpOnly"] is True and cookies["session"]["sameSite"] == "Lax"
