"""The site figures where the county reads them (issue 23, item 7): the county and township
dashboards, the ranking, the quarterly bulletin and the townships' export, and the combined
manure rate beside the villages' own — every figure worked by hand, on both databases.

The county, period 2026Q4 (the month shown is its last, 2026-12; the clock is 28 December):
- coal sellers A, B (西坊城镇, T1) and C (蔡村镇, T2). A sampled 3 Dec (passes), B 3 Oct (fails),
  C 12 Dec (fails). Month (December): T1 1/2, T2 1/1, county 2/3 = 66.7 %. Year: 3/3 = 100 %.
  Samples passing in the quarter: T1 1/2, T2 0/1, county 1/3 = 33.3 %.
- scale farms F1 (T1, 600 pigs) and F2 (T2, 800 pigs); F3 (T1, 300 pigs) is below the 500
  threshold, not a scale farm, not counted. F1's latest visit (10 Dec) finds no matching
  facilities, F2's (20 Oct) does: 配套率 T1 0/1, T2 1/1, county 1/2 = 50.0 % (target 95 %).
- manure: the villages' section 400 t used of 500 t (one village of T1); F1 at its latest visit
  900 of 1,200 t (its November 800 of 1,000 t is not added), F2 450 of 500 t, F3 not counted:
  combined (400 + 900 + 450) ÷ (500 + 1,200 + 500) = 1,750 ÷ 2,200 = 79.5 %, beside the
  villages' 80.0 %. T1 alone: (400 + 900) ÷ (500 + 1,200) = 1,300 ÷ 1,700 = 76.5 %.
"""

import csv
import io
import json

import openpyxl
import pytest

from app.extensions import db
from app.models import Site
from tests.api_payloads import (
    DATABASES,
    clear_activity,
    fixed_clock,
    seeded_module_app,
    valid_payload,
)
from tests.sites.test_site_pages import browser
from tests.sites.world import (
    INSPECTOR_TOWNSHIP,
    OTHER_TOWNSHIP,
    OTHER_VILLAGE,
    OWN_VILLAGE,
    add_sites,
    headers,
    visit,
)

COUNTY = "140225"
PASS = {"sample_taken": True, "sample_passed": True}
FAIL = {"sample_taken": True, "sample_passed": False}


def farm(match: bool, produced: float, used: float) -> dict:
    return {
        "facilities_match": match,
        "facilities_running": True,
        "manure_t_y": produced,
        "manure_used_t_y": used,
    }


@pytest.fixture(scope="module", params=DATABASES)
def county(request, tmp_path_factory):
    yield from seeded_module_app(request, tmp_path_factory)


@pytest.fixture(autouse=True)
def world(county):
    clear_activity(county)
    county.config["CLOCK"] = fixed_clock("2026-12-28T04:00:00")
    client = county.test_client()
    admin = headers(county, "county_admin")
    add_sites(
        client,
        admin,
        "coal_seller",
        [("A", OWN_VILLAGE, {}), ("B", OWN_VILLAGE, {}), ("C", OTHER_VILLAGE, {})],
    )
    add_sites(
        client,
        admin,
        "scale_farm",
        [
            ("F1", OWN_VILLAGE, {"species": "pig", "head_count": 600}),
            ("F2", OTHER_VILLAGE, {"species": "pig", "head_count": 800}),
            ("F3", OWN_VILLAGE, {"species": "pig", "head_count": 300}),
        ],
    )
    for code, on, answers in [
        ("A", "2026-12-03", PASS),
        ("B", "2026-10-03", FAIL),
        ("C", "2026-12-12", FAIL),
        ("F1", "2026-11-05", farm(True, 1000, 800)),
        ("F1", "2026-12-10", farm(False, 1200, 900)),
        ("F2", "2026-10-20", farm(True, 500, 450)),
        ("F3", "2026-11-01", farm(False, 100, 10)),
    ]:
        assert visit(client, admin, code, on, answers).status_code == 201
    inspector = headers(county, "inspector")
    answer = client.post("/api/v1/inspections", json=valid_payload(), headers=inspector)
    assert answer.status_code == 201, answer.get_json()


def card(page: str, key: str) -> str:
    start = page.index(f'id="card-{key}"')
    return page[start : page.index("</section>", start)]


def figure(block: str, name: str) -> str:
    start = block.index(f'data-figure="{name}">') + len(f'data-figure="{name}">')
    return " ".join(block[start : block.index("</", start)].split())


def test_the_county_dashboard_shows_the_site_figures_and_the_combined_manure(county):
    page = browser(county, "county_admin").get(f"/dashboard/county/{COUNTY}?period=2026Q4")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    month = card(html, "coal_sampling_month")
    assert figure(month, "rate") == "66.7%"
    assert figure(month, "fraction").startswith("2 / 3")
    assert figure(month, "target") == "20.0%"
    assert "2026年12月" in month  # the month the figure reads is named
    assert figure(card(html, "coal_sampling_year"), "rate") == "100.0%"
    assert figure(card(html, "coal_sample_pass"), "fraction").startswith("1 / 3")
    farms = card(html, "farm_facilities")
    assert (figure(farms, "rate"), figure(farms, "reported")) == ("50.0%", "2 / 2")
    assert "status-behind" in farms
    manure = card(html, "manure-combined")
    assert figure(manure, "rate") == "79.5%"
    assert figure(manure, "fraction").startswith("1,750 / 2,200")
    assert figure(manure, "villages").startswith("400 / 500")
    assert figure(manure, "farms").startswith("1,350 / 1,700")
    # the village-only rate beside it, unchanged
    assert figure(card(html, "manure_utilisation"), "rate") == "80.0%"
    # one row per township: T1's month figure 1 of 2, T2's 1 of 1
    start = html.index(f'id="site-row-{INSPECTOR_TOWNSHIP}"')
    row = html[start : html.index("</tr>", start)]
    assert "50.0%" in row and "1/2" in row
    start = html.index(f'id="site-row-{OTHER_TOWNSHIP}"')
    assert "0.0%" in html[start : html.index("</tr>", start)]  # 0 of 1 samples passing


def test_the_township_page_shows_its_own_sites(county):
    page = browser(county, "county_admin").get(
        f"/dashboard/township/{INSPECTOR_TOWNSHIP}?period=2026Q4"
    )
    html = page.get_data(as_text=True)
    assert figure(card(html, "coal_sampling_month"), "fraction").startswith("1 / 2")
    assert figure(card(html, "farm_facilities"), "fraction").startswith("0 / 1")
    manure = card(html, "manure-combined")
    assert figure(manure, "rate") == "76.5%"
    assert figure(manure, "fraction").startswith("1,300 / 1,700")
    # an inspector of another township is refused this township's page
    other = browser(county, "inspector", township=OTHER_TOWNSHIP)
    assert other.get(f"/dashboard/township/{INSPECTOR_TOWNSHIP}?period=2026Q4").status_code == 403


def test_the_ranking_ranks_townships_on_a_site_figure(county):
    client = browser(county, "county_admin")
    page = client.get("/dashboard/ranking?indicator=farm_facilities&period=2026Q4&level=village")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # townships, whatever level was asked: T1 0 % (95 points behind) first, then T2 100 %
    assert html.index(f'id="rank-{INSPECTOR_TOWNSHIP}"') < html.index(f'id="rank-{OTHER_TOWNSHIP}"')
    assert 'id="site-ranking-note"' in html
    exported = client.get(
        "/dashboard/export/ranking.csv?indicator=coal_sampling_month&period=2026Q4"
    ).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    by_code = {r[1]: r for r in rows[1:]}
    # T1 1 of 2 (50 %), T2 1 of 1 (100 %), both above the 20 % target: T1 nearer, first
    assert [r[1] for r in rows[1:]] == [INSPECTOR_TOWNSHIP, OTHER_TOWNSHIP]
    assert (by_code[INSPECTOR_TOWNSHIP][8], by_code[INSPECTOR_TOWNSHIP][9]) == ("1", "2")
    assert by_code[OTHER_TOWNSHIP][5] == "100.0"
    # an inspector ranks the county's townships too (as the county page shows them); nobody
    # signed out does, and an unknown figure is not found
    inspector = browser(county, "inspector")
    assert inspector.get("/dashboard/ranking?indicator=coal_sample_pass").status_code == 200
    anonymous = county.test_client().get("/dashboard/ranking?indicator=coal_sample_pass")
    assert anonymous.status_code in (302, 401)
    assert client.get("/dashboard/ranking?indicator=coal_sample").status_code == 404


def test_the_bulletin_has_a_site_section_in_words(county):
    html = (
        browser(county, "county_admin")
        .get("/dashboard/bulletin?period=2026Q4&scope=all")
        .get_data(as_text=True)
    )
    start = html.index('id="sites"')
    section = html[start : html.index("</section>", start)]
    assert "散煤销售点当月抽检覆盖率：3 个中 2 个，66.7%，达到目标 20.0%。" in section
    farms = "规模养殖场粪污处理设施装备配套率：2 个中 1 个，50.0%，距目标 95.0% 差 45.0 个百分点。"
    assert farms in section
    assert "散煤煤质抽检合格率：3 个中 1 个，33.3%（未设目标）。" in section
    assert "村庄与 2 个规模养殖场合计的畜禽粪污综合利用率为 79.5%" in section
    assert "村庄单独为 80.0%" in section
    assert "2026年12月" in section


def test_the_townships_export_carries_the_site_figures(county):
    exported = browser(county, "county_admin").get(
        f"/dashboard/export/townships.csv?period=2026Q4&county={COUNTY}&lang=en"
    )
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    header, by_code = rows[0], {r[0]: r for r in rows[1:]}
    column = header.index("Coal sellers sampled this month (2026-12) · Numerator")
    assert by_code[INSPECTOR_TOWNSHIP][column : column + 3] == ["1", "2", "50.0"]
    column = header.index("Scale farms with matching manure facilities · Rate (%)")
    assert by_code[OTHER_TOWNSHIP][column] == "100.0"


def map_data(client, query: str) -> dict:
    html = client.get(f"/map?{query}").get_data(as_text=True)
    start = html.index('id="cunjian-map-data">') + len('id="cunjian-map-data">')
    return json.loads(html[start : html.index("</script>", start)])


def test_the_map_has_a_layer_per_kind_with_the_lagging_sites_marked(county):
    with county.app_context():
        for n, site in enumerate(db.session.execute(db.select(Site)).scalars()):
            site.lat, site.lon = 40.1 + n / 100, 113.1
        db.session.commit()
    data = map_data(browser(county, "county_admin"), "period=2026Q4")
    layers = {layer["key"]: layer for layer in data["sites"]}
    assert list(layers) == ["coal_seller", "scale_farm", "sewage_station"]
    farms = {s["code"]: s for s in layers["scale_farm"]["sites"]}
    # F1's latest visit (10 Dec) found no matching facilities; F2's did; F3 is not a scale farm
    assert (farms["F1"]["lagging"], farms["F1"]["reason"]) == (True, "粪污处理设施未配套")
    assert (farms["F2"]["lagging"], farms["F3"]["lagging"]) == (False, False)
    assert not any(s["lagging"] for s in layers["coal_seller"]["sites"])  # all sampled by Dec
    assert layers["sewage_station"]["sites"] == []
    third = map_data(browser(county, "county_admin"), "period=2026Q3")
    sellers = {s["code"]: s for s in third["sites"][0]["sites"]}
    # by 30 September nobody was sampled yet; the farms were not inspected in the quarter
    assert sellers["A"]["reason"] == "本年未抽检" and sellers["C"]["lagging"]
    assert {s["code"]: s["reason"] for s in third["sites"][1]["sites"] if s["lagging"]} == {
        "F1": "本期未检查",
        "F2": "本期未检查",
    }
    # an inspector sees their own township's sites only; a viewer (figures, not registers) none
    own = map_data(browser(county, "inspector"), "period=2026Q4")
    assert {s["code"] for s in own["sites"][0]["sites"]} == {"A", "B"}
    assert "sites" not in map_data(browser(county, "viewer"), "period=2026Q4")


def test_a_townships_bulletin_says_its_own_site_figures(county):
    html = (
        browser(county, "township_lead")
        .get("/dashboard/bulletin?period=2026Q4&scope=all")
        .get_data(as_text=True)
    )
    start = html.index('id="sites"')
    section = html[start : html.index("</section>", start)]
    # 西坊城镇 alone: A of A and B sampled in December; F1 without matching facilities
    assert "散煤销售点当月抽检覆盖率：2 个中 1 个，50.0%，达到目标 20.0%。" in section
    assert "规模养殖场粪污处理设施装备配套率：1 个中 0 个，0.0%" in section
    # (400 + 900) ÷ (500 + 1,200) = 76.5 %, its one scale farm
    assert "村庄与 1 个规模养殖场合计的畜禽粪污综合利用率为 76.5%" in section
    assert 'data-indicator="coal_sampling_month"' in section and "蔡村" not in section


def test_the_combined_manure_per_township_counts_each_farm_once(county):
    """T1: its village's 400 of 500 t and F1's 900 of 1,200 t = 1,300/1,700 = 76.5 %; T2: no
    village manure figure, F2's 450 of 500 t = 90.0 %. Each farm once, in its village's
    township: the townships' sums 1,300 + 450 = 1,750 and 1,700 + 500 = 2,200 are the county's."""
    client = browser(county, "county_admin")
    html = client.get(f"/dashboard/county/{COUNTY}?period=2026Q4").get_data(as_text=True)
    assert 'id="site-col-manure"' in html
    cells = {}
    for township in (INSPECTOR_TOWNSHIP, OTHER_TOWNSHIP):
        start = html.index(f'id="site-row-{township}"')
        row = html[start : html.index("</tr>", start)]
        cell = row[row.index('data-indicator="manure_combined"') :]
        cells[township] = " ".join(cell[: cell.index("</td>")].split())
    assert "<strong>76.5%</strong>" in cells[INSPECTOR_TOWNSHIP]
    assert "1,300/1,700" in cells[INSPECTOR_TOWNSHIP]
    assert "<strong>90.0%</strong>" in cells[OTHER_TOWNSHIP]
    assert "450/500" in cells[OTHER_TOWNSHIP]
    exported = client.get(
        f"/dashboard/export/townships.csv?period=2026Q4&county={COUNTY}&lang=en"
    ).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    header, by_code = rows[0], {r[0]: r for r in rows[1:]}
    column = header.index("Manure utilisation, villages and scale farms together · Numerator")
    assert by_code[INSPECTOR_TOWNSHIP][column : column + 3] == ["1300", "1700", "76.5"]
    assert by_code[OTHER_TOWNSHIP][column : column + 3] == ["450", "500", "90.0"]
    # the county's row in the counties' XLSX: Σ of its townships, 1,750 of 2,200 t
    counties = client.get("/dashboard/export/counties.xlsx?period=2026Q4&lang=en")
    sheet = openpyxl.load_workbook(io.BytesIO(counties.get_data())).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    column = values[0].index("Manure utilisation, villages and scale farms together · Rate (%)")
    row = next(r for r in values[1:] if r[0] == COUNTY)
    assert row[column - 2 : column + 1] == [1750, 2200, 79.5]
