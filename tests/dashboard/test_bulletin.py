"""The quarterly bulletin (issue 15): the print-ready page and the PDF hold the county's name,
every township's row, and the dashboard's figures (tests/dashboard_scenario.py, by hand).

The PDF needs a CJK font from Debian (fonts-wqy-microhei, installed by `make install-test` and
.ci/run); without one the PDF tests skip and say so, since the Chinese text would not render.
"""

import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from tests import dashboard_scenario as sc
from tests.dashboard.test_dashboard import card
from tests.dashboard_scenario import login

TOWNSHIP_COUNT = 16


def cjk_font_installed() -> bool:
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh"], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        return False
    return bool(listed.stdout.strip())


needs_cjk_font = pytest.mark.skipif(
    not cjk_font_installed(),
    reason="no CJK font (fc-list :lang=zh is empty): install fonts-wqy-microhei "
    "(make install-test and .ci/run do) to render the bulletin's Chinese text",
)


@pytest.fixture
def scenario(seeded):
    inspector = sc.quick_user(seeded, "inspector", township=sc.YONGAN, username="wang")
    sc.build(seeded, inspector)
    return seeded


def test_the_page_holds_the_headline_rankings_and_completeness(scenario, client):
    login(client, "viewer")
    html = client.get(f"/dashboard/bulletin?period={sc.PERIOD}&scope=all&lang=en").get_data(
        as_text=True
    )
    assert '<p class="county" id="bulletin-county">浑源县</p>' in html
    completeness = html.split('id="completeness-table"')[1].split("</table>")[0]
    assert len(re.findall(r'data-township="\d{9}"', completeness)) == TOWNSHIP_COUNT
    headline = re.search(r'<tr data-indicator="manure_utilisation">(.*?)</tr>', html, re.S)
    cells = re.findall(r'<td class="num">(.*?)</td>', headline.group(1))
    assert cells == ["84.0%", "80.0%", "+4.0", "80.0%", "3 / 213"]
    # manure: 永安镇 82.5 % then 西坊城镇 90.0 % (gaps +2.5, +10.0), then the rest without data
    manure = html.split('id="section-manure_utilisation"')[1].split("</section>")[0]
    assert re.findall(r'data-township="(\d+)"', manure)[:2] == [sc.YONGAN, sc.XIFANGCHENG]
    # the villages furthest behind: A alone on manure (60.0 % of 80 %); B alone on film
    assert re.findall(r'data-village="(\d+)"', manure) == [sc.A]
    film = html.split('id="section-film_recovery"')[1].split("</section>")[0]
    assert re.findall(r'data-village="(\d+)"', film) == [sc.B]


def test_a_township_role_gets_its_own_townships_bulletin(scenario, client):
    login(client, "township_lead", township=sc.XIFANGCHENG)
    html = client.get(f"/dashboard/bulletin?period={sc.PERIOD}&scope=all&lang=en").get_data(
        as_text=True
    )
    assert "西坊城镇 · 2026 Q4 · Quarterly bulletin" in html
    refused = client.get(f"/dashboard/bulletin?period={sc.PERIOD}&township={sc.YONGAN}")
    assert refused.status_code == 403


@needs_cjk_font
def test_the_pdf_opens_and_holds_the_dashboards_figures(scenario, client):
    login(client, "viewer")
    response = client.get(f"/dashboard/bulletin.pdf?period={sc.PERIOD}&scope=all")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "浑源县" in text and "季度通报" in text
    dashboard = client.get(f"/dashboard/?period={sc.PERIOD}").get_data(as_text=True)
    townships = re.findall(
        r'<tr id="row-\d{9}">\s*<th scope="row">(?:<a [^>]*>)?([^<]+)<', dashboard
    )
    assert len(townships) == TOWNSHIP_COUNT
    for name in townships:
        assert name.strip() in text, name
    for key in ("manure_utilisation", "film_recovery"):
        shown = card(dashboard, key)
        # the headline row reads rate, target, gap in that order, as the card shows them
        row = re.escape(shown["rate"]) + r"\s+" + re.escape(shown["target"]) + r"\s+"
        assert re.search(row + re.escape(shown["gap"]), text), (key, shown)


def test_the_bulletin_counts_the_ledger_per_township(seeded, make_user, auth_headers):
    """The ledger's world (tests/problems/test_problem_counts.py): at 2026-12-10 15:59 UTC
    西坊城镇 has 2
    problems not closed, 1 overdue and 1 closed in 2026Q4; 蔡村镇 2, 2 and 0 — as the county
    page's table. A township lead's bulletin holds their own township's row only."""
    from tests.problem_world import at
    from tests.problems.test_problem_counts import CAICUN, XIFANG, build
    from tests.review_world import PASSWORD

    world, _h, client, _ids = build(seeded, make_user, auth_headers)
    at(seeded, "2026-12-10T15:59")
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    html = client.get("/dashboard/bulletin?period=2026Q4&lang=en").get_data(as_text=True)
    table = html.split('id="problems-table"')[1].split("</table>")[0]
    rows = dict(re.findall(r'<tr data-township="(\d+)">(.*?)</tr>', table))
    cells = {code: re.findall(r'<td class="num">(\d+)</td>', row) for code, row in rows.items()}
    assert cells == {XIFANG: ["2", "1", "1"], CAICUN: ["2", "2", "0"]}
