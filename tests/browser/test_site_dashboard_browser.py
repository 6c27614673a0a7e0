"""Issue 23, item 7, in a real headless Chromium at 360 px: a county official records a coal
sample on a seller's form and then sees the site figures on the county dashboard — the year's
sampling coverage 1 of the 5 open sellers (20.0 %), the month the monthly figure reads named on
its card, the township's row in the site table — and no page is wider than the phone."""

from pathlib import Path

import pytest

from app.clock import county_today
from app.extensions import db
from app.models import Site, User
from app.periods import parse_period, quarter_of
from tests.browser.offline_server import CHROMIUM, serving
from tests.browser.test_sites_browser import NO_OVERFLOW, PASSWORD, TOWNSHIP, add_sellers

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]


def test_a_county_official_sees_the_site_figures_on_the_dashboard(chromium, tmp_path):
    with serving(tmp_path, users=(("wang", "inspector", TOWNSHIP),), password=PASSWORD) as (
        app,
        base,
    ):
        add_sellers(app, 5)
        with app.app_context():
            admin = User(username="chen", role="county_admin")
            admin.set_password(PASSWORD)
            db.session.add(admin)
            db.session.commit()
            quarter = quarter_of(county_today())
            last = parse_period(quarter).end
        context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto(f"{base}/login?next=/site/CS-1/inspect")
        page.fill("#username", "chen")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("#site-inspection-form")
        page.select_option("#f-sample_taken", "yes")
        page.select_option("#f-sample_passed", "yes")
        page.click("#save-site-inspection")
        page.wait_for_selector("#visits li")
        page.goto(f"{base}/dashboard/?period={quarter}")
        year = page.locator("#card-coal_sampling_year")
        year.scroll_into_view_if_needed()
        assert year.is_visible()
        assert year.locator("[data-figure=rate]").inner_text() == "20.0%"
        assert " ".join(year.locator("[data-figure=fraction]").inner_text().split()).startswith(
            "1 / 5"
        )
        assert year.locator("[data-figure=target]").inner_text() == "100.0%"
        month = page.locator("#card-coal_sampling_month")
        assert f"{last.year}年{last.month}月" in month.locator("[data-figure=span]").inner_text()
        assert page.locator("#card-manure-combined").is_visible()
        row = page.locator(f"#site-row-{TOWNSHIP}")
        assert "1/5" in row.inner_text()
        assert page.evaluate(NO_OVERFLOW)
        # the map: the sellers' layer, the four not sampled this year ringed as lagging
        with app.app_context():
            for n, site in enumerate(db.session.execute(db.select(Site)).scalars()):
                site.lat, site.lon = 40.05 + n / 200, 113.35
            db.session.commit()
        page.goto(f"{base}/map?period={quarter}")
        page.wait_for_selector(".cj-site-coal_seller")
        assert page.locator(".cj-site-coal_seller").count() == 5
        assert page.locator(".cj-site-coal_seller.cj-lagging").count() == 4
        assert page.locator(".leaflet-control-layers").inner_text().count("民用散煤销售点") == 1
        context.close()
