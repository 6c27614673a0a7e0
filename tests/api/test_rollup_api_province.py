"""The roll-up and geography API in province mode, on the hand-worked province of
tests/province_scenario.py (two counties of two townships): levels province, county, township
and village, `county=` and `township=` scopes, trends of the province and of a county, the
counties list, and the queries refused."""

from datetime import UTC, datetime

import pytest

from tests import province_scenario as ps
from tests.factories import add_user

Q1 = "period=2026Q1"
TREND = "/api/v1/rollup/trend?indicator=clean_heating&periods=3"


@pytest.fixture
def province(app):
    admin = ps.build(app)
    app.config["CLOCK"] = lambda: datetime(2026, 5, 15, 4, 0, tzinfo=UTC)  # 2026Q2
    return app, admin


def get(app, user_id, auth_headers, url, status=200):
    response = app.test_client().get(url, headers=auth_headers(user_id, lang="en"))
    assert response.status_code == status, (url, response.get_json())
    return response.get_json()


def heating(unit):
    result = unit["indicators"]["clean_heating"]
    return (unit["code"], result["numerator"], result["denominator"], result["status"])


def test_every_level_and_scope(province, auth_headers):
    app, admin = province
    body = get(app, admin, auth_headers, f"/api/v1/rollup?level=province&{Q1}")
    assert (body["level"], body["scope"]) == ("province", None)
    (top,) = body["units"]
    assert (top["name"], top["villages_total"], top["villages_reported"]) == ("山西省", 10, 8)
    assert heating(top) == ("140000", 1130, 1450, "near")
    assert top["indicators"]["clean_heating"]["target"] == pytest.approx(1270 / 1450)

    counties = get(app, admin, auth_headers, f"/api/v1/rollup?level=county&{Q1}")["units"]
    assert [heating(u) for u in counties] == [
        (ps.A, 580, 750, "behind"),
        (ps.B, 550, 700, "meets"),
    ]
    one = get(app, admin, auth_headers, f"/api/v1/rollup?level=county&{Q1}&county={ps.B}")
    assert one["scope"] == ps.B and [heating(u) for u in one["units"]] == [heating(counties[1])]
    townships = get(app, admin, auth_headers, f"/api/v1/rollup?level=township&{Q1}&county={ps.A}")
    assert [heating(u) for u in townships["units"]] == [
        (ps.A1, 360, 500, "behind"),
        (ps.A2, 220, 250, "behind"),
    ]
    villages = get(app, admin, auth_headers, f"/api/v1/rollup?level=village&{Q1}&township={ps.B2}")
    assert [u["code"] for u in villages["units"]] == [ps.code(k) for k in ("b2m", "b2p", "b2q")]
    # 120/200 = 0.60 against 0.70: 10 points below is still "near"
    assert heating(villages["units"][0]) == (ps.code("b2m"), 120, 200, "near")
    every = get(app, admin, auth_headers, f"/api/v1/rollup?level=village&{Q1}&county={ps.B}")
    assert len(every["units"]) == 5


def test_trends_of_the_province_and_a_county(province, auth_headers):
    app, admin = province
    body = get(app, admin, auth_headers, f"{TREND}&level=province&code=140000")
    assert [(p["period"], p["numerator"], p["denominator"]) for p in body["series"]] == [
        ("2025Q4", 0, 0),
        ("2026Q1", 1130, 1450),
        ("2026Q2", 700, 700),
    ]
    county = get(app, admin, auth_headers, f"{TREND}&level=county&code={ps.A}")
    assert [(p["numerator"], p["denominator"]) for p in county["series"]] == [
        (0, 0),
        (580, 750),
        (400, 400),
    ]
    assert county["series"][2]["status"] == "meets"


def test_counties_and_townships_lists(province, auth_headers):
    app, admin = province
    counties = get(app, admin, auth_headers, "/api/v1/counties")["counties"]
    assert counties == [
        {"code": ps.A, "name": "甲县", "township_count": 2, "village_count": 5},
        {"code": ps.B, "name": "乙县", "township_count": 2, "village_count": 5},
    ]
    townships = get(app, admin, auth_headers, f"/api/v1/townships?county={ps.B}")["townships"]
    assert [(t["code"], t["county_code"], t["village_count"]) for t in townships] == [
        (ps.B1, ps.B, 2),
        (ps.B2, ps.B, 3),
    ]
    assert len(get(app, admin, auth_headers, "/api/v1/townships")["townships"]) == 4
    get(app, admin, auth_headers, "/api/v1/townships?county=140199", status=404)
    bad = get(app, admin, auth_headers, "/api/v1/townships?county=14", status=422)
    assert "county" in bad["errors"]
    villages = get(app, admin, auth_headers, f"/api/v1/villages?county={ps.A}")["villages"]
    assert len(villages) == 5 and {v["township_code"] for v in villages} == {ps.A1, ps.A2}


def test_a_county_scoped_viewer_gets_its_county_by_default(province, auth_headers):
    app, _admin = province
    with app.app_context():
        from app.extensions import db
        from app.models import County, User

        viewer = add_user(app, "viewer", username="viewer-b")
        db.session.get(User, viewer).county = db.session.execute(
            db.select(County).where(County.code == ps.B)
        ).scalar_one()
        db.session.commit()
    body = get(app, viewer, auth_headers, f"/api/v1/rollup?level=county&{Q1}")
    assert body["scope"] == ps.B and [heating(u) for u in body["units"]] == [
        (ps.B, 550, 700, "meets")
    ]
    townships = get(app, viewer, auth_headers, f"/api/v1/rollup?level=township&{Q1}")["units"]
    assert [u["code"] for u in townships] == [ps.B1, ps.B2]
    (top,) = get(app, viewer, auth_headers, f"/api/v1/rollup?level=province&{Q1}")["units"]
    assert heating(top) == ("140000", 1130, 1450, "near")
    for url in (
        f"/api/v1/rollup?level=county&{Q1}&county={ps.A}",
        f"/api/v1/rollup?level=township&{Q1}&township={ps.A1}",
        f"{TREND}&level=county&code={ps.A}",
    ):
        get(app, viewer, auth_headers, url, status=403)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"level=province&{Q1}&county={ps.A}", "county"),
        (f"level=province&{Q1}&township={ps.A1}", "township"),
        (f"level=county&{Q1}&township={ps.A1}", "township"),
        (f"level=village&{Q1}&county={ps.A}&township={ps.A1}", "township"),
        (f"level=township&{Q1}&county=1401", "county"),
        (f"level=region&{Q1}", "level"),
    ],
)
def test_scopes_that_do_not_fit_are_refused(province, auth_headers, query, field):
    app, admin = province
    body = get(app, admin, auth_headers, f"/api/v1/rollup?{query}", status=422)
    assert field in body["errors"], body


def test_unknown_units_are_404(province, auth_headers):
    app, admin = province
    for url in (
        f"/api/v1/rollup?level=township&{Q1}&county=140199",
        f"/api/v1/rollup?level=village&{Q1}&township=140101009",
        f"{TREND}&level=province&code=150000",
        f"{TREND}&level=county&code=140199",
    ):
        get(app, admin, auth_headers, url, status=404)
