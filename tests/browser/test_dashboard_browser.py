"""The county dashboard in a real headless Chromium at 360 px: the seeded scenario's figures
(tests/dashboard_scenario.py, worked by hand) on the page, and the same figures in the XLSX the
page's download link gives.

The server here is this file's own (its own SQLite file and clock), so other browser tests'
inspections cannot change the figures it checks.
"""

import os

import pytest
from openpyxl import load_workbook
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Township, User
from tests import dashboard_scenario as sc
from tests.browser_support import CHROMIUM, seeded_sqlite_app, serving

ADMIN = ("chen", "correct horse battery")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason="browser test skipped: no Debian chromium at /usr/bin/chromium",
    ),
]


@pytest.fixture(scope="module")
def dashboard_server(tmp_path_factory):
    app = seeded_sqlite_app(tmp_path_factory.mktemp("dashboard_server"), "dash")
    with app.app_context():
        township = db.session.execute(
            db.select(Township).where(Township.code == sc.YONGAN)
        ).scalar_one()
        inspector = User(username="wang", role="inspector", township=township)
        admin = User(username=ADMIN[0], role="county_admin")
        for user in (inspector, admin):
            # a cheap hash: see tests/dashboard_scenario.quick_user
            user.password_hash = generate_password_hash(ADMIN[1], method="pbkdf2:sha256:1000")
            db.session.add(user)
        db.session.commit()
        inspector_id = inspector.id
    sc.build(app, inspector_id)
    with serving(app) as url:
        yield url


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        accept_downloads=True,
    )
    yield context.new_page()
    context.close()


def test_county_page_and_its_xlsx_hold_the_same_hand_worked_figures(
    dashboard_server, phone, tmp_path
):
    page = phone
    page.goto(f"{dashboard_server}/login?lang=en")
    page.fill("input[name=username]", ADMIN[0])
    page.fill("input[name=password]", ADMIN[1])
    page.click("button[type=submit]")
    page.goto(f"{dashboard_server}/dashboard/?period=2026Q4&lang=en")

    manure = page.locator("#card-manure_utilisation")
    # (60+270+90)/(100+300+100) = 420/500 = 84.0 % against 80 %: +4.0 points, 3 of the 213
    # administrative villages (manure counts no 社区)
    assert manure.locator("[data-figure=rate]").inner_text() == "84.0%"
    assert manure.locator("[data-figure=target]").inner_text() == "80.0%"
    assert manure.locator("[data-figure=gap]").inner_text() == "+4.0"
    assert " ".join(manure.locator("[data-figure=fraction]").inner_text().split()) == "420 / 500 t"
    assert manure.locator("[data-figure=reported]").inner_text() == "3 / 213"
    assert manure.locator(".rate .status").inner_text() == "Meets target"
    film = page.locator("#card-film_recovery")
    assert film.locator("[data-figure=rate]").inner_text() == "25.0%"  # 10/40
    assert film.locator(".rate .status").inner_text() == "Behind target"
    yongan = page.locator(f"#row-{sc.YONGAN} [data-indicator=manure_utilisation]")
    assert "82.5%" in yongan.inner_text() and "330/400" in yongan.inner_text()
    # at 360 px the page itself does not scroll sideways; only the wide table does, in its box
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    with page.expect_download() as download_info:
        page.click("#export-townships-xlsx")
    path = tmp_path / "townships.xlsx"
    download_info.value.save_as(path)
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    manure_col = header.index("Livestock manure utilisation · Numerator")
    assert rows[sc.YONGAN][manure_col : manure_col + 5] == (330, 400, 82.5, 80, "Meets target")
    assert rows[sc.XIFANGCHENG][manure_col : manure_col + 5] == (90, 100, 90, 80, "Meets target")
    film_col = header.index("Agricultural film recovery · Numerator")
    assert rows[sc.YONGAN][film_col : film_col + 5] == (10, 40, 25, 40, "Behind target")
