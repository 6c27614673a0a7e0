"""The ranking per indicator (issue 15), worked by hand: each village against its own target.

Clean heating in 2026Q1 (past every deadline: the path is the target), 永安镇:
  201 plain     887 of 1000 = 88.7 %, target 100 % → gap −11.3
  202 mountain  610 of 1000 = 61.0 %, target  70 % → gap  −9.0
  203 plain    1000 of 1000 = 100 %,  target 100 % → gap   0.0
  204 mountain  500 of 1000 = 50.0 %, target  70 % → gap −20.0
Order: 204, 201, 202, 203, then the 32 units that did not report, by code. 88.7 % is further
behind than 61.0 %: different zones, different targets, and the ranking says so.
"""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.rollups.ranking_data import ranking
from tests.dashboard_scenario import login
from tests.rollup_helpers import add_inspection, set_zone

YONGAN, XIFANGCHENG = "140225100", "140225101"
V = {n: f"140225100{n}" for n in (201, 202, 203, 204)}
FIGURES = {
    201: ("plain", 887),
    202: ("mountain", 610),
    203: ("plain", 1000),
    204: ("mountain", 500),
}


@pytest.fixture
def world(seeded, make_user):
    uid = make_user("county_admin")
    with seeded.app_context():
        for n, (zone, clean) in FIGURES.items():
            set_zone(V[n], zone)
            add_inspection(uid, V[n], date(2026, 2, n - 190), 1000, heating={"central": clean})
        add_inspection(uid, "140225101200", date(2026, 3, 1), 100, heating={"central": 95})
        db.session.commit()
    return seeded


def test_villages_are_ordered_by_their_gap_to_their_own_target(world):
    with world.app_context():
        rows = ranking("clean_heating", "2026Q1", "village", YONGAN)
    top = [(r.position, r.code, r.gap, r.zone) for r in rows[:4]]
    assert top == [
        (1, V[204], -20.0, "mountain"),
        (2, V[201], -11.3, "plain"),
        (3, V[202], -9.0, "mountain"),
        (4, V[203], 0.0, "plain"),
    ]
    assert (rows[0].numerator, rows[0].denominator, rows[0].target) == (500, 1000, 0.7)
    assert rows[0].last_inspected == date(2026, 2, 14)
    assert rows[0].path_status == "behind_path" and rows[3].path_status == "met"
    rest = rows[4:]
    assert len(rows) == 36 and all(r.position is None and r.rate is None for r in rest)
    assert [r.code for r in rest] == sorted(r.code for r in rest)


def test_townships_ranked_too_and_thin_coverage_follows_the_judged(world):
    with world.app_context():
        rows = ranking("clean_heating", "2026Q1", "township", "140225")
    # 永安镇 (887+610+1000+500)/4000 = 74.9 % against (2000·1 + 2000·0.7)/4000 = 85 %: −10.1;
    # 西坊城镇 95/100 = 95 % against 100 %: −5.0. Both from a few of their villages (< 80 %):
    # insufficient data, ranked by gap after any judged township (there is none).
    assert [(r.code, r.gap, r.status) for r in rows[:2]] == [
        (YONGAN, -10.1, "insufficient_data"),
        (XIFANGCHENG, -5.0, "insufficient_data"),
    ]
    assert rows[0].zone.split("/")[0] == "unknown"  # most villages first
    assert set(rows[0].zone.split("/")) >= {"mountain", "plain"}
    assert len(rows) == 16


def test_page_and_downloads_hold_the_same_rows(world, client):
    login(client, "viewer")
    html = client.get(
        f"/dashboard/ranking?indicator=clean_heating&period=2026Q1&township={YONGAN}&lang=en"
    ).get_data(as_text=True)
    order = [html.index(f'id="rank-{V[n]}"') for n in (204, 201, 202, 203)]
    assert order == sorted(order)
    assert "88.7%" in html and "-11.3" in html and "Mountain" in html
    body = client.get(
        f"/dashboard/export/ranking.csv?indicator=clean_heating&period=2026Q1&township={YONGAN}"
    ).data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body)))
    assert table[1][:3] == ["1", V[204], "民安村委会"]
    assert table[1][5:10] == ["50.0", "70.0", "-20.0", "500", "1000"]
    xlsx = client.get(
        f"/dashboard/export/ranking.xlsx?indicator=clean_heating&period=2026Q1&township={YONGAN}"
    )
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    second = [c.value for c in sheet[3]]
    assert second[:3] == [2, V[201], "当巷村委会"] and second[7] == -11.3


def test_a_township_role_ranks_only_its_own_villages(world, client):
    login(client, "township_lead", township=XIFANGCHENG)
    html = client.get("/dashboard/ranking?indicator=clean_heating&period=2026Q1").get_data(
        as_text=True
    )
    assert 'id="rank-140225101200"' in html and V[204] not in html
    refused = client.get(f"/dashboard/ranking?indicator=clean_heating&township={YONGAN}")
    assert refused.status_code == 403
    assert client.get("/dashboard/ranking?indicator=nonsense").status_code == 404


def test_the_api_gives_the_same_rows_within_the_callers_scope(
    world, client, make_user, auth_headers
):
    admin = make_user("county_admin", username="ranker")
    url = "/api/v1/ranking?indicator=clean_heating&period=2026Q1"
    body = client.get(f"{url}&township={YONGAN}", headers=auth_headers(admin)).get_json()
    assert (body["level"], body["scope"], body["counts"]) == ("village", YONGAN, "all")
    first = body["rows"][0]
    assert {k: first[k] for k in ("position", "code", "gap", "rate", "target", "zone")} == {
        "position": 1,
        "code": V[204],
        "gap": -20.0,
        "rate": 0.5,
        "target": 0.7,
        "zone": "mountain",
    }
    assert (first["last_inspected"], first["path_status"]) == ("2026-02-14", "behind_path")
    townships = client.get(f"{url}&level=township", headers=auth_headers(admin)).get_json()
    assert [r["code"] for r in townships["rows"][:2]] == [YONGAN, XIFANGCHENG]
    # a township lead: their own villages by default, another township's refused
    lead = make_user("township_lead", township=XIFANGCHENG, username="lead-x")
    own = client.get(url, headers=auth_headers(lead)).get_json()
    assert own["scope"] == XIFANGCHENG and [r["code"] for r in own["rows"]][0] == "140225101200"
    assert client.get(f"{url}&township={YONGAN}", headers=auth_headers(lead)).status_code == 403
    assert client.get(f"{url}&county=140225", headers=auth_headers(lead)).status_code == 403
    bad = client.get("/api/v1/ranking?indicator=nope&period=2026Q1", headers=auth_headers(admin))
    assert bad.status_code == 422
