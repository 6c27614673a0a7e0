"""Honest statuses and targets on a path, worked by hand (issue 15).

A small township of five administrative villages and one urban community (社区), beside the
real county: which units an indicator counts, the coverage threshold (1 of 5 villages
reported → 数据不足), and the straight path from a baseline to a deadline.
"""

from dataclasses import replace
from datetime import date

import pytest

from app.extensions import db
from app.models import County, Township, Village
from app.rollups.core import IndicatorResult
from app.rollups.coverage import honest
from app.rollups.reports import rollup, trend
from app.rollups.target_path import TargetPath, expected, path_status
from tests.rollup_helpers import add_inspection

TOWNSHIP = "140225999"
VILLAGES = [f"140225999{n:03d}" for n in range(201, 206)]  # five administrative villages
COMMUNITY = "140225999001"
HEATING = TargetPath(1.00, 0.339, date(2020, 12, 31), date(2023, 12, 31))


# --- the path, by hand --------------------------------------------------------------------


def test_the_2022q2_expected_value_lies_on_the_straight_line():
    # 2020-12-31 → 2022-06-30 is 365 + 181 = 546 days of 3 × 365 = 1095;
    # 0.339 + (1.00 − 0.339) × 546 / 1095 = 0.339 + 0.661 × 0.498630… = 0.668594…
    assert expected(HEATING, date(2022, 6, 30)) == pytest.approx(0.668594, abs=1e-6)
    assert expected(HEATING, date(2020, 6, 30)) == 0.339  # before the baseline: the baseline
    assert expected(HEATING, date(2024, 3, 31)) == 1.00  # from the deadline on: the target
    assert expected(TargetPath(0.9, deadline=date(2025, 12, 31)), date(2022, 6, 30)) == 0.9


def test_status_against_the_path():
    assert path_status(0.70, 1.00, 0.6686) == "on_track"
    assert path_status(0.60, 1.00, 0.6686) == "behind_path"
    assert path_status(1.00, 1.00, 0.6686) == "met"
    assert path_status(None, 1.00, 0.6686) is None


def test_coverage_below_the_threshold_is_insufficient_data_never_meets():
    result = IndicatorResult(90, 100, 0.9, 0.8, True, "meets", 1, path_expected=0.8)
    thin = honest(result, units=5, threshold=0.8)  # 1 of 5 = 20 %
    assert (thin.status, thin.meets, thin.coverage, thin.path_status) == (
        "insufficient_data",
        None,
        0.2,
        None,
    )
    enough = honest(replace(result, villages_reported=4), units=5, threshold=0.8)  # 80 %: judged
    assert (enough.status, enough.coverage, enough.path_status) == ("meets", 0.8, "met")


# --- the same through the database ---------------------------------------------------------


@pytest.fixture
def world(seeded, make_user):
    uid = make_user("county_admin")
    ctx = seeded.app_context()
    ctx.push()
    county = db.session.execute(db.select(County)).scalar_one()
    township = Township(code=TOWNSHIP, name="测试乡", kind="township", county=county)
    for code in VILLAGES:
        db.session.add(Village(code=code, name=f"村{code[-1]}", township=township, zone="plain"))
    db.session.add(
        Village(code=COMMUNITY, name="社区", township=township, kind="community", zone="plain")
    )
    db.session.commit()
    yield uid
    db.session.rollback()
    ctx.pop()


def manure(township_result):
    r = township_result.indicators["manure_utilisation"]
    return (r.numerator, r.denominator, r.units, r.villages_reported, r.coverage, r.status)


def test_one_of_five_villages_reported_reads_insufficient_data(world):
    add_inspection(
        world, VILLAGES[0], date(2026, 2, 1), 100, manure={"produced_t": 100, "utilised_t": 90}
    )
    db.session.commit()
    unit = rollup("2026Q1", "township", TOWNSHIP)[0]
    # 90/100 = 90 % ≥ 80 % would read 达标; 1 of 5 villages (20 % < 80 %) reads 数据不足
    assert manure(unit) == (90, 100, 5, 1, 0.2, "insufficient_data")
    assert unit.indicators["manure_utilisation"].meets is None
    for code in VILLAGES[1:4]:
        add_inspection(
            world, code, date(2026, 2, 2), 100, manure={"produced_t": 100, "utilised_t": 70}
        )
    db.session.commit()
    unit = rollup("2026Q1", "township", TOWNSHIP)[0]
    # 4 of 5 = 80 %: judged; (90 + 3·70) / 400 = 300/400 = 75 % against 80 % → near
    assert manure(unit) == (300, 400, 5, 4, 0.8, "near")


def test_a_community_in_a_rural_indicator_changes_nothing(world):
    add_inspection(
        world, VILLAGES[0], date(2026, 2, 1), 100, manure={"produced_t": 100, "utilised_t": 90}
    )
    db.session.commit()
    before = manure(rollup("2026Q1", "township", TOWNSHIP)[0])
    add_inspection(
        world,
        COMMUNITY,
        date(2026, 2, 3),
        500,
        manure={"produced_t": 50, "utilised_t": 0},
        heating={"central": 500},
    )
    db.session.commit()
    unit = rollup("2026Q1", "township", TOWNSHIP)[0]
    assert manure(unit) == before == (90, 100, 5, 1, 0.2, "insufficient_data")
    # clean heating counts the community too: 6 units, of which only it reported heating
    heating = unit.indicators["clean_heating"]
    assert (heating.numerator, heating.denominator, heating.units) == (500, 500, 6)
    assert (heating.villages_reported, heating.status) == (1, "insufficient_data")
    # and the community's own village-level row: no manure figure at all, not even "no data"
    row = next(u for u in rollup("2026Q1", "village", TOWNSHIP) if u.code == COMMUNITY)
    assert "manure_utilisation" not in row.indicators
    assert row.indicators["clean_heating"].numerator == 500


def test_the_plans_heating_path_in_2022q2(world):
    for code in VILLAGES:
        add_inspection(world, code, date(2022, 5, 1), 100, heating={"central": 70})
    db.session.commit()
    heating = rollup("2022Q2", "township", TOWNSHIP)[0].indicators["clean_heating"]
    # plain villages: 33.9 % at 2020-12-31 → 100 % by 2023-12-31 (seeded from the plan)
    assert heating.path_expected == pytest.approx(0.339 + 0.661 * 546 / 1095)
    assert (heating.rate, heating.target, heating.status) == (0.7, 1.0, "behind")
    assert heating.path_status == "on_track"  # 70 % ≥ 66.9 %: behind the target, on the path
    series = dict(trend("clean_heating", "township", TOWNSHIP, ["2021Q4", "2022Q2"]))
    assert series["2022Q2"].path_expected == pytest.approx(heating.path_expected)
    # 2021Q4 ends 2021-12-31: 365/1095 of the way, 0.339 + 0.661/3 = 0.559333…
    assert series["2021Q4"].path_expected == pytest.approx(0.339 + 0.661 / 3)
    assert series["2021Q4"].status == "no_data"


def test_the_api_gives_coverage_and_the_path(world, client, auth_headers):
    add_inspection(
        world, VILLAGES[0], date(2026, 2, 1), 100, manure={"produced_t": 100, "utilised_t": 90}
    )
    db.session.commit()
    body = client.get(
        f"/api/v1/rollup?level=township&period=2026Q1&township={TOWNSHIP}",
        headers=auth_headers(world),
    ).get_json()
    figure = body["units"][0]["indicators"]["manure_utilisation"]
    assert {
        k: figure[k] for k in ("status", "coverage", "units", "path_status", "path_expected")
    } == {
        "status": "insufficient_data",
        "coverage": 0.2,
        "units": 5,
        "path_status": None,
        "path_expected": 0.8,  # 75 % at 2024-12-31 → 80 % by 2025-12-31: 2026 is past it
    }
