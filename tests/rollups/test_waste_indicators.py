"""The plan's domestic-waste indicators, defined as data only (forms/waste.json and
forms/indicators.json), roll up with their targets on the dashboard, the map and the API, counted
by administrative village; SQLite and PostgreSQL.

2025Q2, four villages of 永安镇 (海村 and 许村 have a map point):
  海村 sorts and is collected · 许村 collected only · 西顺村 collected only · 当巷村 neither.
waste_sorting = 1 of 4 villages = 25.0 % against the plan's 12 % from 2025 (§5.3.2): meets.
waste_collection = 3 of 4 = 75.0 %; the plan gives 95.77 % for 2020 and no target: no_target.
In 2024Q4 the sorting target does not apply yet.
"""

import uuid
from datetime import UTC, datetime

import pytest

from app.extensions import db
from tests.api_payloads import add_user, bearer
from tests.map_helpers import payload as map_payload
from tests.map_helpers import village_statuses, villages_of
from tests.rollup_helpers import judge_any_coverage

HAICUN, XUCUN, XISHUN, DANGXIANG = "140225100216", "140225100218", "140225100200", "140225100201"
ANSWERS = {
    HAICUN: (True, True),
    XUCUN: (False, True),
    XISHUN: (False, True),
    DANGXIANG: (False, False),
}


@pytest.fixture
def waste(seeded, client):
    seeded.config["CLOCK"] = lambda: datetime(2025, 6, 15, 4, 0, tzinfo=UTC)  # county: 2025Q2
    admin = add_user(seeded, "county_admin", username="waste-admin", password="pw-waste-2025")
    headers = bearer(seeded, admin)
    for code, (sorting, collected) in ANSWERS.items():
        body = {
            "client_uuid": str(uuid.uuid4()),
            "village_code": code,
            "inspected_on": "2025-05-10",
            "households": 200,
            "sections": {"waste": {"sorting": sorting, "collection_covered": collected}},
        }
        response = client.post("/api/v1/inspections", json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
    with seeded.app_context():
        judge_any_coverage()  # 4 villages: these tests are about the arithmetic and the targets
        db.session.commit()
    client.post("/login", data={"username": "waste-admin", "password": "pw-waste-2025"})
    return headers


def test_the_api_rolls_them_up_with_their_targets(waste, client):
    body = client.get("/api/v1/rollup?level=county&period=2025Q2", headers=waste).get_json()
    unit = body["units"][0]
    sorting = unit["indicators"]["waste_sorting"]
    # counted by administrative village: 4 reported of the county's 213
    assert (sorting["units"], sorting["coverage"]) == (213, pytest.approx(4 / 213))
    assert {
        k: v
        for k, v in sorting.items()
        if k not in ("units", "coverage", "path_expected", "path_status")
    } == {
        "numerator": 1.0,
        "denominator": 4.0,
        "rate": 0.25,
        "target": 0.12,
        "meets": True,
        "status": "meets",
        "villages_reported": 4,
    }
    collection = unit["indicators"]["waste_collection"]
    assert (collection["numerator"], collection["denominator"], collection["rate"]) == (3, 4, 0.75)
    assert (collection["target"], collection["status"]) == (None, "no_target")
    township = client.get(
        "/api/v1/rollup?level=township&county=140225&period=2025Q2", headers=waste
    ).get_json()
    yongan = next(u for u in township["units"] if u["code"] == "140225100")
    assert yongan["indicators"]["waste_sorting"]["rate"] == 0.25
    before = client.get("/api/v1/rollup?level=county&period=2024Q4", headers=waste).get_json()
    assert before["units"][0]["indicators"]["waste_sorting"]["target"] is None
    trend = client.get(
        "/api/v1/rollup/trend?indicator=waste_sorting&level=county&code=140225&periods=2",
        headers=waste,
    ).get_json()
    assert [(p["period"], p["rate"], p["target"]) for p in trend["series"]] == [
        ("2025Q1", None, 0.12),
        ("2025Q2", 0.25, 0.12),
    ]


def test_the_dashboard_shows_them_with_their_targets(waste, client):
    html = client.get("/dashboard/?period=2025Q2&lang=en").get_data(as_text=True)
    sorting = html.split('id="card-waste_sorting"')[1].split("</section>")[0]
    assert "Domestic waste sorting coverage (villages)" in sorting
    assert "25.0%" in sorting and "12.0%" in sorting and "1 / 4" in sorting
    collection = html.split('id="card-waste_collection"')[1].split("</section>")[0]
    assert "75.0%" in collection and "3 / 4" in collection
    assert "Baseline 2020: 95.8%" in collection  # the plan's 95.77 %, as data


def test_the_map_colours_villages_by_them(waste, client):
    html = client.get("/map?indicator=waste_sorting&period=2025Q2").get_data(as_text=True)
    statuses = village_statuses(html)
    assert (statuses[HAICUN], statuses[XUCUN]) == ("meets", "behind")  # 100 % and 0 % vs 12 %
    rows = villages_of(map_payload(html))
    assert (rows[HAICUN]["num"], rows[HAICUN]["den"], rows[HAICUN]["target"]) == (1, 1, 0.12)
    other = client.get("/map?indicator=waste_collection&period=2025Q2").get_data(as_text=True)
    assert village_statuses(other)[XUCUN] == "no_target"
