"""The dashboard pages and exports on a scenario worked out by hand (tests/dashboard_scenario.py),
and who may see what."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.formdefs.registry import current_forms
from app.models import Village
from tests import dashboard_scenario as sc
from tests.dashboard_scenario import login


@pytest.fixture
def scenario(seeded):
    inspector = sc.quick_user(seeded, "inspector", township=sc.YONGAN, username="wang")
    sc.build(seeded, inspector)
    return seeded


def card(html: str, key: str) -> dict[str, str]:
    """The figures of one indicator card, by their data-figure names."""
    section = re.search(rf'<section class="card[^"]*" id="card-{key}">(.*?)</section>', html, re.S)
    assert section, key
    figures = re.findall(r'data-figure="(\w+)">(.*?)</(?:span|dd)>', section.group(1), re.S)
    return {name: " ".join(re.sub(r"<[^>]+>", " ", value).split()) for name, value in figures}


def test_county_page_shows_the_hand_worked_figures(scenario, client):
    login(client, "viewer")
    html = client.get("/dashboard/?period=2026Q4&lang=en").get_data(as_text=True)
    manure = card(html, "manure_utilisation")
    assert manure == {
        "rate": "84.0%",
        "target": "80.0%",
        "gap": "+4.0",
        "fraction": "420 / 500 t",
        # a rural indicator counts the 213 administrative villages, not the 11 communities
        "reported": "3 / 213",
        "unknown": "210",
        "coverage": "coverage 1.4%",
        "progress": "Target met",
    }
    film = card(html, "film_recovery")
    assert film == {
        "rate": "25.0%",
        "target": "40.0%",
        "gap": "-15.0",
        "fraction": "10 / 40 t",
        "reported": "2 / 213",
        "unknown": "211",
        "coverage": "coverage 0.9%",
        "progress": "Behind the path",  # no baseline: the path is the target itself
    }
    assert card(html, "straw_utilisation")["rate"] == "—"
    assert "Villages reported: 3 of 224." in html
    # the township row for 永安镇: manure 330/400 = 82.5 % meets; film 10/40 = 25.0 % behind
    row = re.search(rf'<tr id="row-{sc.YONGAN}">(.*?)</tr>', html, re.S).group(1)
    manure_cell = re.search(r'data-indicator="manure_utilisation">(.*?)</td>', row, re.S).group(1)
    assert "82.5%" in manure_cell and "330/400" in manure_cell and "Meets target" in manure_cell
    assert 'cell-behind" data-indicator="film_recovery"' in row
    # lagging villages: A and B, not C
    lagging = html.split('id="lagging"')[1]
    assert "当巷村委会" in lagging and "道巷村委会" in lagging and "西坊城村委会" not in lagging
    assert "60.0% (target 80.0%)" in lagging and "20.0% (target 40.0%)" in lagging
    # a trend line is drawn on the server for every indicator card
    with scenario.app_context():
        cards = len(current_forms().indicators.indicators)
    assert html.count('<svg class="spark"') == cards


def test_county_page_is_chinese_by_default(scenario, client):
    login(client, "viewer")
    html = client.get("/dashboard/?period=2026Q4").get_data(as_text=True)
    assert "畜禽粪污综合利用率" in html and "达标" in html and "落后" in html
    assert "已报告村数：3 / 224。" in html


def test_township_table_sorts_on_the_server(scenario, client):
    login(client, "county_admin")
    html = client.get("/dashboard/?period=2026Q4&sort=manure_utilisation&dir=desc").get_data(
        as_text=True
    )
    rows = re.findall(r'<tr id="row-(\d+)">', html)
    # 西坊城镇 90.0 % before 永安镇 82.5 %, then the 14 townships without data (by code)
    assert rows[:2] == [sc.XIFANGCHENG, sc.YONGAN]
    assert len(rows) == 16
    ascending = re.findall(
        r'<tr id="row-(\d+)">',
        client.get("/dashboard/?period=2026Q4&sort=manure_utilisation").get_data(as_text=True),
    )
    assert ascending[:2] == [sc.YONGAN, sc.XIFANGCHENG]
    assert 'aria-sort="ascending"' in client.get("/dashboard/?sort=name").get_data(as_text=True)


def test_a_year_sums_its_quarters(scenario, client):
    login(client, "county_admin")
    # every scenario inspection is in 2026, so the year shows the quarter's figures: 420/500
    html = client.get("/dashboard/?period=2026&lang=en").get_data(as_text=True)
    assert card(html, "manure_utilisation")["fraction"] == "420 / 500 t"
    assert '<option value="2026" selected>' in html
    # and 2025 has none: no data, 0 of 224 villages
    empty = client.get("/dashboard/?period=2025&lang=en").get_data(as_text=True)
    assert card(empty, "manure_utilisation")["rate"] == "—"
    assert card(empty, "manure_utilisation")["reported"] == "0 / 213"


def test_township_and_village_pages(scenario, client):
    login(client, "township_lead", township=sc.YONGAN)
    html = client.get(f"/dashboard/township/{sc.YONGAN}?period=2026Q4&lang=en").get_data(
        as_text=True
    )
    assert card(html, "manure_utilisation")["fraction"] == "330 / 400 t"
    assert card(html, "manure_utilisation")["reported"] == "2 / 25"  # 25 villages, 11 社区
    assert f"/dashboard/village/{sc.A}?period=2026Q4#inspection-" in html  # latest, one tap
    page = client.get(f"/dashboard/village/{sc.A}?period=2026Q4&lang=en").get_data(as_text=True)
    assert card(page, "manure_utilisation") == {
        "rate": "60.0%",
        "target": "80.0%",
        "gap": "-20.0",
        "fraction": "60 / 100 t",
        "reported": "1 / 1",
        "progress": "Behind the path",
    }
    assert "Recorded by wang" in page
    assert re.search(r'<details class="inspection" id="inspection-\d+" open>', page)  # newest open
    # a village that never reported: no data on every card, and says so
    quiet = client.get("/dashboard/village/140225100200?period=2026Q4&lang=en")
    assert quiet.status_code == 200
    assert card(quiet.get_data(as_text=True), "film_recovery")["reported"] == "0 / 1"
    assert "No inspection yet" in quiet.get_data(as_text=True)
    assert "Livestock manure · Manure utilised" in page or "Manure utilised" in page


def test_completeness_lists_villages_without_inspection(scenario, client):
    login(client, "county_admin")
    html = client.get("/dashboard/completeness?period=2026Q4&lang=en").get_data(as_text=True)
    yongan = html.split(f'id="township-{sc.YONGAN}"')[1].split("</section>")[0]
    assert "2 of 36 reported" in yongan
    assert "当巷村委会" not in yongan and "西顺村委会" in yongan
    assert yongan.count("<li>") == 34  # 36 units − 2 that reported


def test_exports_hold_the_page_figures(scenario, client):
    login(client, "county_admin")
    response = client.get("/dashboard/export/townships.xlsx?period=2026Q4")
    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="cunjian-townships-2026Q4.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["代码", "名称", "已报告村数", "村数"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    start = header.index("畜禽粪污综合利用率 · 分子")
    assert rows[sc.YONGAN][2:4] == (2, 36)
    assert rows[sc.YONGAN][start : start + 5] == (330, 400, 82.5, 80, "达标")
    film = header.index("农膜回收率 · 分子")
    assert rows[sc.YONGAN][film : film + 5] == (10, 40, 25, 40, "落后于目标")
    assert rows[sc.XIFANGCHENG][film : film + 5] == (0, 0, None, 40, "无数据（分母为零）")

    csv_response = client.get(
        f"/dashboard/export/villages.csv?period=2026Q4&township={sc.YONGAN}&lang=en"
    )
    assert csv_response.data.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(csv_response.data.decode("utf-8-sig"))))
    assert parsed[0][:5] == ["Code", "Name", "Township", "Villages reported", "Villages (total)"]
    by_code = {r[0]: r for r in parsed[1:]}
    assert len(by_code) == 36
    manure = parsed[0].index("Livestock manure utilisation · Numerator")
    assert by_code[sc.A][manure : manure + 5] == ["60", "100", "60.0", "80.0", "Behind target"]


def test_hostile_village_name_stays_text_in_page_and_exports(scenario, client):
    hostile = '=HYPERLINK("http://evil.example","<script>x</script>")'
    with scenario.app_context():
        db.session.execute(
            db.select(Village).where(Village.code == sc.A)
        ).scalar_one().name = hostile
        db.session.commit()
    login(client, "county_admin")
    page = client.get(f"/dashboard/township/{sc.YONGAN}?period=2026Q4").get_data(as_text=True)
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    data = client.get(f"/dashboard/export/villages.csv?period=2026Q4&township={sc.YONGAN}").data
    rows = {r[0]: r for r in csv.reader(io.StringIO(data.decode("utf-8-sig")))}
    assert rows[sc.A][1] == "'" + hostile
    xlsx = client.get(f"/dashboard/export/villages.xlsx?period=2026Q4&township={sc.YONGAN}").data
    cell = next(
        row[1]
        for row in load_workbook(io.BytesIO(xlsx)).active.iter_rows(min_row=2)
        if row[0].value == sc.A
    )
    assert cell.value == hostile and cell.data_type == "s" and cell.quotePrefix


def test_bad_period_and_format(scenario, client):
    login(client, "county_admin")
    assert client.get("/dashboard/?period=2026Q5").status_code == 400
    assert client.get("/dashboard/export/townships.pdf").status_code == 404
    assert client.get("/dashboard/township/999999999").status_code == 404
    assert client.get("/dashboard/village/999999999999").status_code == 404


@pytest.mark.parametrize("role", ["inspector", "township_lead"])
def test_township_roles_see_the_county_and_their_own_township_only(scenario, client, role):
    login(client, role, township=sc.YONGAN)
    assert client.get("/dashboard/?period=2026Q4").status_code == 200
    assert client.get(f"/dashboard/township/{sc.YONGAN}").status_code == 200
    assert client.get(f"/dashboard/village/{sc.A}").status_code == 200
    assert client.get(f"/dashboard/township/{sc.XIFANGCHENG}").status_code == 403
    assert client.get(f"/dashboard/village/{sc.C}").status_code == 403
    assert (
        client.get(f"/dashboard/export/villages.csv?township={sc.XIFANGCHENG}").status_code == 403
    )
    # without ?township= the village export is their own township's 36 units only
    data = client.get("/dashboard/export/villages.csv?period=2026Q4").data.decode("utf-8-sig")
    codes = [r[0] for r in csv.reader(io.StringIO(data))][1:]
    assert len(codes) == 36 and all(c.startswith(sc.YONGAN) for c in codes)
    county = client.get("/dashboard/?period=2026Q4").get_data(as_text=True)
    # the other township is listed on the county page but not linked; lagging is their own
    assert f"/dashboard/township/{sc.XIFANGCHENG}" not in county
    assert f"/dashboard/township/{sc.YONGAN}" in county
    completeness = client.get("/dashboard/completeness?period=2026Q4").get_data(as_text=True)
    assert f'id="township-{sc.YONGAN}"' in completeness
    assert f'id="township-{sc.XIFANGCHENG}"' not in completeness


def test_viewer_sees_figures_but_not_the_inspections_behind_them(scenario, client):
    login(client, "viewer")
    page = client.get(f"/dashboard/village/{sc.A}?period=2026Q4&lang=en").get_data(as_text=True)
    assert card(page, "manure_utilisation")["rate"] == "60.0%"
    assert "Recorded by" not in page
    assert "Your role sees the figures only" in page
    assert client.get(f"/dashboard/township/{sc.XIFANGCHENG}").status_code == 200


def test_signed_out_people_are_sent_to_sign_in(scenario, client):
    for url in [
        "/dashboard/",
        f"/dashboard/township/{sc.YONGAN}",
        f"/dashboard/village/{sc.A}",
        "/dashboard/completeness",
        "/dashboard/export/townships.xlsx",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
