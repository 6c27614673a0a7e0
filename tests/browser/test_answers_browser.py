"""The four everyday questions of issue 15, answered from the pages alone in a headless Chromium
at 360 px, with the figures worked by hand:

1. "Which ten villages are furthest behind on manure this quarter?" — the ranking page.
2. "How did clean heating change over eight quarters?" — the trends page's table.
3. "Is straw on track?" — the county card's progress badge.
4. "Which villages have not reported?" — the completeness page.

The world (clock 2026-11-20, 2026Q4; coverage threshold set to 5 % so a dozen villages of 213
are judged): twelve villages report manure (produced 100 t each) and straw (85 of 100 t) in
2026Q4; one plain village of 蔡村镇 reports clean heating every quarter, 600, 650, … 950 of
1000 households from 2025Q1 to 2026Q4.
"""

import os
import re
from datetime import UTC, date, datetime

import pytest
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Setting, User
from tests.browser_support import CHROMIUM, seeded_sqlite_app, serving
from tests.rollup_helpers import add_inspection, set_zone

ADMIN = ("zhao", "correct horse battery")
XIFANGCHENG = [f"140225101{n}" for n in range(200, 211)]  # eleven villages of 西坊城镇
MANURE_VILLAGES = [*XIFANGCHENG, "140225102200"]  # and 蔡村村
# utilised t of 100 t, in the order of MANURE_VILLAGES: target 80 % for all (plan, from 2025)
UTILISED = [62, 20, 95, 55, 78, 35, 71, 50, 85, 79, 60, 70]
HEATING_VILLAGE = "140225102201"  # 峣村 (蔡村镇), plain: target 100 %
QUARTERS = ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason="browser test skipped: no Debian chromium at /usr/bin/chromium",
    ),
]


def quarter_day(quarter: str) -> date:
    year, q = int(quarter[:4]), int(quarter[-1])
    return date(year, 3 * q - 1, 15)


@pytest.fixture(scope="module")
def answers_server(tmp_path_factory):
    app = seeded_sqlite_app(tmp_path_factory.mktemp("answers_server"), "answers")
    app.config["CLOCK"] = lambda: datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
    with app.app_context():
        admin = User(username=ADMIN[0], role="county_admin")
        admin.password_hash = generate_password_hash(ADMIN[1], method="pbkdf2:sha256:1000")
        db.session.add(admin)
        db.session.flush()
        for code, used in zip(MANURE_VILLAGES, UTILISED, strict=True):
            manure = {"produced_t": 100, "utilised_t": used}
            straw = {"produced_t": 100, "fertiliser_t": 85}
            add_inspection(admin.id, code, date(2026, 10, 20), 100, manure=manure, straw=straw)
        set_zone(HEATING_VILLAGE, "plain")
        for i, quarter in enumerate(QUARTERS):
            clean = {"central": 600 + 50 * i}
            add_inspection(admin.id, HEATING_VILLAGE, quarter_day(quarter), 1000, heating=clean)
        db.session.add(
            Setting(key="reports.coverage_threshold", value=0.05, updated_at=datetime.now(UTC))
        )
        db.session.commit()
    with serving(app) as url:
        yield url


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, url):
    page.goto(f"{url}/login?lang=en")
    page.fill("input[name=username]", ADMIN[0])
    page.fill("input[name=password]", ADMIN[1])
    page.click("button[type=submit]")


def test_the_four_questions_from_the_pages_alone(answers_server, phone):
    page = phone
    sign_in(page, answers_server)
    page.goto(f"{answers_server}/dashboard/?lang=en")
    # the dashboard opens on the last complete quarter (2026Q3); "this quarter" is picked
    assert page.locator("#period").input_value() == "2026Q3"
    page.select_option("#period", "2026Q4")
    page.click("form.period button[type=submit]")

    # 1. the worst ten villages on manure: the ranking, from the dashboard's menu
    page.click("#nav-ranking")
    page.select_option("#indicator", "manure_utilisation")
    page.click("#ranking-choice button[type=submit]")
    rows = page.locator("#ranking-table tbody tr")
    ten = [rows.nth(i).get_attribute("id").removeprefix("rank-") for i in range(10)]
    by_gap = sorted(zip(UTILISED, MANURE_VILLAGES, strict=True))  # lower rate, bigger gap
    assert ten == [code for _used, code in by_gap[:10]]
    first = page.locator(f"#rank-{by_gap[0][1]}")
    assert first.locator("[data-col=rate]").inner_text() == "20.0%"
    assert first.locator("[data-col=gap]").inner_text() == "-60.0"
    assert first.locator("[data-col=last]").inner_text() == "2026-10-20"

    # 2. the county's eight quarters of clean heating: the trends page's table
    page.click("#nav-trends")
    table = page.locator("#trend-table-clean_heating tbody tr")
    values = {
        table.nth(i).get_attribute("data-quarter"): table.nth(i)
        .locator("[data-col=rate]")
        .inner_text()
        for i in range(table.count())
    }
    assert values == {q: f"{60 + 5 * i:.1f}%" for i, q in enumerate(QUARTERS)}
    chart = page.locator("#trend-clean_heating svg .chart-value")
    assert chart.count() == 8 and chart.nth(0).text_content() == "60.0%"

    # 3. is straw on track? 12 × 85 / 12 × 100 = 85.0 % against 90 % due by 2025-12-31: no
    page.goto(f"{answers_server}/dashboard/?lang=en&period=2026Q4")
    straw = page.locator("#card-straw_utilisation")
    assert straw.locator("[data-figure=rate]").inner_text() == "85.0%"
    assert straw.locator("[data-figure=progress]").inner_text() == "Behind the path"
    assert straw.locator("[data-figure=reported]").inner_text() == "12 / 213"

    # 4. which villages have not reported? the completeness page: 西坊城镇 all reported
    page.click(".dash-nav >> text=Completeness")
    assert "Every village has reported." in page.locator("#township-140225101").inner_text()
    caicun = page.locator("#township-140225102").inner_text()
    assert "蔡村村委会" not in caicun and "峣村村委会" not in caicun
    assert "文家庄村委会" in caicun
    assert re.search(r"2 of \d+ reported", caicun)
    # at 360 px no page scrolls sideways; only a wide table does, in its own box
    for path in ("completeness", "ranking", "trends", "", "bulletin"):
        page.goto(f"{answers_server}/dashboard/{path}?lang=en")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
