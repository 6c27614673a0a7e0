"""Issue 23 in a real headless Chromium at 360 px: an inspector sees on 待办 the coal sellers
drawn for this month, records a sample on the site's form online (through the phone's outbox,
site-queue.js; offline: test_sites_offline_browser.py), and the sample reaches the month's
figure; no page is wider than the phone."""

from pathlib import Path

import pytest

from app.clock import county_today, utc_now
from app.extensions import db
from app.models import Site, Village
from app.periods import month_of
from tests.browser.offline_server import CHROMIUM, serving

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]
PASSWORD = "pw-field-2026"
TOWNSHIP = "140225100"  # 永安镇
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


def add_sellers(app, count: int) -> None:
    with app.app_context():
        village = (
            db.session.execute(
                db.select(Village).join(Village.township).where(Village.code.like(f"{TOWNSHIP}%"))
            )
            .scalars()
            .first()
        )
        now = utc_now()
        for n in range(1, count + 1):
            db.session.add(
                Site(
                    code=f"CS-{n}",
                    kind="coal_seller",
                    name=f"{n}号煤店",
                    village_id=village.id,
                    attributes={},
                    status="open",
                    created_at=now,
                    updated_at=now,
                )
            )
        db.session.commit()


def test_a_seller_due_on_todo_is_sampled_and_counted(chromium, tmp_path):
    with serving(tmp_path, users=(("wang", "inspector", TOWNSHIP),), password=PASSWORD) as (
        app,
        base,
    ):
        add_sellers(app, 5)  # ⌈20 % of 5⌉ = 1 drawn this month (more only late in the year)
        context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto(f"{base}/login?next=/todo")
        page.fill("#username", "wang")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/todo")
        due = page.locator("#sites-due li")
        assert due.count() >= 1
        assert "本月应抽检的场所" in page.content()
        assert page.evaluate(NO_OVERFLOW)
        due.first.locator("a").click()
        page.wait_for_selector("#site-inspection-form")
        assert page.evaluate(NO_OVERFLOW)
        page.select_option("#f-sample_taken", "yes")
        page.select_option("#f-sample_passed", "no")
        page.fill("#f-sulphur_pct", "1.2")
        page.click("#save-site-inspection")
        page.wait_for_selector("#visits li")
        assert page.evaluate(NO_OVERFLOW)
        assert "散煤煤质抽检不合格" in page.content()  # the failed sample opened a problem
        with app.app_context():
            month = month_of(county_today())
        figure = page.evaluate(
            """async (url) => (await (await fetch(url)).json())""",
            f"{base}/api/v1/rollup?period={month}&level=township&township={TOWNSHIP}",
        )
        unit = figure["units"][0]["indicators"]
        assert (
            unit["coal_sampling_month"]["numerator"],
            unit["coal_sampling_month"]["denominator"],
        ) == (1, 5)
        assert unit["coal_sample_pass"]["rate"] == 0.0
        for path in ("/sites", "/sites/coal_seller", f"/sampling/coal_seller?month={month}"):
            page.goto(f"{base}{path}")
            assert page.evaluate(NO_OVERFLOW), path
        assert page.locator("#plan li").count() >= 1
        context.close()
