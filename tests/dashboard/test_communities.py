"""A figure a unit does not count in is not shown for it (issue 20, finding 15).

永安镇 holds 36 units: 25 administrative villages and 11 urban communities (社区, codes
140225100010–020; app/data/hunyuan_villages.csv). The rural indicators (manure, film, …) count the
25 villages only; clean heating counts all 36. In the dashboard scenario A and B (villages of
永安镇) reported manure in 2026Q4, so 永安镇's manure card reads 2 / 25, and the map's popup must
say the same, not 2 / 36; no community appears in the manure ranking, map or village export.
"""

import csv
import io
import re

import pytest

from tests import dashboard_scenario as sc
from tests.dashboard_scenario import login
from tests.map_helpers import payload, villages_of

COMMUNITY, COMMUNITY_NAME = "140225100010", "春晖社区居委会"
PERIOD = f"period={sc.PERIOD}"


@pytest.fixture
def scenario(seeded):
    inspector = sc.quick_user(seeded, "inspector", township=sc.YONGAN, username="wang")
    sc.build(seeded, inspector)
    return seeded


def yongan_mark(html: str) -> dict:
    data = payload(html)
    names = [t["name"] for t in data["townships"]]
    return data["townships"][names.index("永安镇")]


def test_the_map_popup_counts_the_units_the_dashboard_counts(scenario, client):
    login(client, "viewer")
    manure = client.get(f"/map?indicator=manure_utilisation&{PERIOD}").get_data(as_text=True)
    mark = yongan_mark(manure)
    assert (mark["reported"], mark["total"]) == (2, 25)
    township = client.get(f"/dashboard/township/{sc.YONGAN}?{PERIOD}").get_data(as_text=True)
    card = township.split('id="card-manure_utilisation"')[1].split("</section>")[0]
    assert re.search(r'data-figure="reported">2 / 25<', card)
    assert COMMUNITY not in villages_of(payload(manure))
    assert COMMUNITY_NAME not in manure  # nor in the list of villages without a location
    heating = client.get(f"/map?indicator=clean_heating&{PERIOD}").get_data(as_text=True)
    assert yongan_mark(heating)["total"] == 36 and COMMUNITY_NAME in heating


def test_no_community_in_a_rural_ranking(scenario, client):
    login(client, "viewer")
    url = f"/dashboard/ranking?indicator=manure_utilisation&township={sc.YONGAN}&{PERIOD}"
    html = client.get(url).get_data(as_text=True)
    assert sc.A in html and COMMUNITY not in html
    heating = url.replace("manure_utilisation", "clean_heating")
    assert COMMUNITY in client.get(heating).get_data(as_text=True)


def test_the_village_export_leaves_a_communitys_rural_figures_out(scenario, client):
    login(client, "viewer")
    url = f"/dashboard/export/villages.csv?township={sc.YONGAN}&{PERIOD}"
    rows = list(csv.reader(io.StringIO(client.get(url).get_data(as_text=True).lstrip("\ufeff"))))
    header = rows[0]
    community = next(r for r in rows if r[0] == COMMUNITY)
    manure = header.index(next(h for h in header if h.startswith("畜禽粪污综合利用率")))
    # numerator, denominator, rate, target empty; the status says why
    assert community[manure : manure + 5] == ["", "", "", "", "不计入此项指标"]
    heating = header.index(next(h for h in header if h.startswith("清洁取暖率")))
    assert community[heating + 4] == "无数据（分母为零）"  # counted, not reported


def test_the_township_page_and_a_communitys_page(scenario, client):
    login(client, "viewer")
    html = client.get(f"/dashboard/township/{sc.YONGAN}?{PERIOD}").get_data(as_text=True)
    row = html.split(f'id="row-{COMMUNITY}"')[1].split("</tr>")[0]
    cell = row.split('data-indicator="manure_utilisation">')[1].split("</td>")[0]
    assert "不计入此项指标" in cell and "无数据" not in cell
    page = client.get(f"/dashboard/village/{COMMUNITY}?{PERIOD}").get_data(as_text=True)
    assert 'id="card-clean_heating"' in page and 'id="card-manure_utilisation"' not in page
