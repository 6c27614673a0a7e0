"""GET /api/v1/rollup and /rollup/trend: the documents, and who may read what (both databases).

Scenario (2026Q1, township 西坊城镇 140225101 with 11 villages): a plain village with 400
households of which 380 heat cleanly, a mountain village with 100 of which 60 → township
440/500 = 0.88 against (400·1.00 + 100·0.70)/500 = 0.94.
"""

from datetime import UTC, date, datetime

import pytest

from app.extensions import db
from app.formdefs.registry import current_forms
from tests.rollup_helpers import add_inspection, judge_any_coverage, set_zone

T, OTHER_T = "140225101", "140225102"
PLAIN, MOUNTAIN, OTHER_VILLAGE = "140225101200", "140225101201", "140225102200"


@pytest.fixture
def scenario(seeded, make_user):
    admin = make_user("county_admin")
    seeded.config["CLOCK"] = lambda: datetime(2026, 5, 15, 4, 0, tzinfo=UTC)  # county: 2026Q2
    with seeded.app_context():
        set_zone(PLAIN, "plain")
        set_zone(MOUNTAIN, "mountain")
        add_inspection(admin, PLAIN, date(2026, 2, 1), 400, heating={"central": 380})
        add_inspection(admin, MOUNTAIN, date(2026, 2, 1), 100, heating={"biomass": 60})
        add_inspection(admin, PLAIN, date(2026, 4, 20), 400, heating={"central": 400})
        add_inspection(admin, OTHER_VILLAGE, date(2026, 2, 1), 50, heating={"gas": 5})
        db.session.commit()
        judge_any_coverage()
    return admin


def test_county_rollup_document(client, seeded, scenario, auth_headers):
    response = client.get(
        "/api/v1/rollup?level=county&period=2026Q1", headers=auth_headers(scenario)
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["period"], body["level"], len(body["units"])) == ("2026Q1", "county", 1)
    unit = body["units"][0]
    assert (unit["code"], unit["name"], unit["villages_total"], unit["villages_reported"]) == (
        "140225",
        "浑源县",
        224,
        3,
    )
    heating = unit["indicators"]["clean_heating"]
    # 380 + 60 + 5 = 445 of 400 + 100 + 50 = 550; target (400·1 + 100·0.7 + 50·1)/550 = 520/550
    assert (heating["numerator"], heating["denominator"]) == (445, 550)
    assert heating["rate"] == pytest.approx(445 / 550)
    assert heating["target"] == pytest.approx(520 / 550)
    # 0.809 is 13.6 points below 0.945 → behind
    assert (heating["meets"], heating["status"], heating["villages_reported"]) == (
        False,
        "behind",
        3,
    )
    film = unit["indicators"]["film_recovery"]
    assert film == {
        "numerator": 0.0,
        "denominator": 0.0,
        "rate": None,
        "target": 0.4,
        "meets": None,
        "status": "no_data",
        "villages_reported": 0,
        "units": 213,
        "coverage": 0.0,
        "path_expected": 0.4,
        "path_status": None,
    }
    with client.application.app_context():
        assert set(unit["indicators"]) == set(current_forms().indicators.keys)
    # every figure there was sent as tonnes: none of it estimated
    assert [(e["field"], e["estimated"], e["share"]) for e in body["estimated"]] == [
        ("manure.produced_t", 0.0, None),
        ("straw.produced_t", 0.0, None),
        ("film.used_t", 0.0, None),
    ]


def test_township_and_village_levels(client, scenario, auth_headers):
    headers = auth_headers(scenario)
    townships = client.get("/api/v1/rollup?level=township&period=2026Q1", headers=headers)
    units = {u["code"]: u for u in townships.get_json()["units"]}
    assert len(units) == 16
    assert units[T]["indicators"]["clean_heating"]["rate"] == pytest.approx(0.88)  # 440/500
    assert units[T]["indicators"]["clean_heating"]["target"] == pytest.approx(0.94)
    assert units[OTHER_T]["indicators"]["clean_heating"]["rate"] == pytest.approx(0.1)  # 5/50
    villages = client.get(
        f"/api/v1/rollup?level=village&period=2026Q1&township={T}", headers=headers
    ).get_json()["units"]
    assert len(villages) == 11
    plain = next(u for u in villages if u["code"] == PLAIN)
    assert plain["indicators"]["clean_heating"]["rate"] == pytest.approx(0.95)  # 380/400
    assert plain["level"] == "village"


def test_trend_series_ends_at_the_current_quarter(client, scenario, auth_headers):
    response = client.get(
        f"/api/v1/rollup/trend?indicator=clean_heating&level=village&code={PLAIN}&periods=3",
        headers=auth_headers(scenario),
    )
    assert response.status_code == 200
    body = response.get_json()
    # today in the county is 15 May 2026 → 2025Q4, 2026Q1, 2026Q2
    assert [(p["period"], p["rate"]) for p in body["series"]] == [
        ("2025Q4", None),
        ("2026Q1", 0.95),
        ("2026Q2", 1.0),
    ]
    assert body["series"][2]["status"] == "meets"
    default = client.get(
        f"/api/v1/rollup/trend?indicator=clean_heating&level=township&code={T}",
        headers=auth_headers(scenario),
    ).get_json()
    assert len(default["series"]) == 8 and default["series"][-1]["period"] == "2026Q2"
    # 2026Q2: only the plain village reinspected, 400/400
    assert (default["series"][-1]["numerator"], default["series"][-1]["denominator"]) == (400, 400)


def test_township_roles_see_the_countys_townships_but_only_their_own_villages(
    client, scenario, make_user, auth_headers
):
    inspector = auth_headers(make_user("inspector", township=T))
    # Township figures are open to every official of the county (as on the county page).
    townships = client.get("/api/v1/rollup?level=township&period=2026Q1", headers=inspector)
    assert townships.get_json()["scope"] == "140225"
    assert len(townships.get_json()["units"]) == 16 and T in str(townships.get_json())
    villages = client.get("/api/v1/rollup?level=village&period=2026Q1", headers=inspector)
    assert len(villages.get_json()["units"]) == 11
    county = client.get("/api/v1/rollup?level=county&period=2026Q1", headers=inspector)
    assert county.status_code == 200  # county figures are open to every official
    for url in (
        f"/api/v1/rollup?level=township&period=2026Q1&township={OTHER_T}",
        "/api/v1/rollup?level=township&period=2026Q1&county=140225",
        f"/api/v1/rollup/trend?indicator=clean_heating&level=township&code={OTHER_T}",
    ):
        assert client.get(url, headers=inspector).status_code == 200, url
    for url in (
        f"/api/v1/rollup?level=village&period=2026Q1&township={OTHER_T}",
        "/api/v1/rollup?level=village&period=2026Q1&county=140225",
        f"/api/v1/rollup/trend?indicator=clean_heating&level=village&code={OTHER_VILLAGE}",
    ):
        assert client.get(url, headers=inspector).status_code == 403, url
    lead = auth_headers(make_user("township_lead", township=T))
    assert (
        client.get(
            f"/api/v1/rollup?level=village&period=2026Q1&township={OTHER_T}", headers=lead
        ).status_code
        == 403
    )
    viewer = auth_headers(make_user("viewer"))
    assert (
        client.get(
            f"/api/v1/rollup?level=village&period=2026Q1&township={OTHER_T}", headers=viewer
        ).status_code
        == 200
    )


def test_bad_queries(client, scenario, auth_headers):
    headers = auth_headers(scenario, lang="en")
    assert client.get("/api/v1/rollup?level=county&period=2026Q1").status_code == 401
    cases = {
        "/api/v1/rollup?level=region&period=2026Q1": "level",
        "/api/v1/rollup?level=county&period=2026Q5": "period",
        "/api/v1/rollup?level=county&period=0000": "period",
        "/api/v1/rollup?level=county": "period",
        f"/api/v1/rollup?level=county&period=2026Q1&township={T}": "township",
        "/api/v1/rollup?level=county&period=2026Q1&colour=red": "colour",
        f"/api/v1/rollup/trend?indicator=nope&level=township&code={T}": "indicator",
        "/api/v1/rollup/trend?indicator=clean_heating&level=township&code=140225": "code",
        f"/api/v1/rollup/trend?indicator=clean_heating&level=township&code={T}&periods=0": (
            "periods"
        ),
    }
    for url, field in cases.items():
        response = client.get(url, headers=headers)
        assert response.status_code == 422, url
        assert field in response.get_json()["errors"], (url, response.get_json())
    for url in (
        "/api/v1/rollup?level=township&period=2026Q1&township=140225999",
        "/api/v1/rollup/trend?indicator=clean_heating&level=county&code=140226",
        "/api/v1/rollup/trend?indicator=clean_heating&level=village&code=140225999999",
    ):
        assert client.get(url, headers=headers).status_code == 404, url
    assert (
        client.get("/api/v1/rollup?level=county&period=2026&lang=en", headers=headers).status_code
        == 200
    )
