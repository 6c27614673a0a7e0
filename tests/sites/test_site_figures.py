"""The site figures (issue 23), worked by hand: Σ numerators ÷ Σ denominators per township and
county (never a mean of rates), coverage, targets and the year's path; then the same through
GET /api/v1/rollup with a month period on both databases."""

from datetime import date

import pytest

from app.sites.figures import SiteFact, VisitFact, site_figures
from tests.api_payloads import DATABASES, clear_activity, seeded_module_app
from tests.sites.world import (
    INSPECTOR_TOWNSHIP,
    OTHER_TOWNSHIP,
    OTHER_VILLAGE,
    OWN_VILLAGE,
    add_sites,
    headers,
    visit,
)

TARGETS = {"coal_sampling_month": 0.2, "coal_sampling_year": 1.0, "farm_facilities": 0.95}
T1, T2, COUNTY = "140225101", "140225102", "140225"
SAMPLE_PASS = {"sample_taken": True, "sample_passed": True}
SAMPLE_FAIL = {"sample_taken": True, "sample_passed": False}

SITES = [
    SiteFact("A", "coal_seller", T1, True),
    SiteFact("B", "coal_seller", T1, True),
    SiteFact("C", "coal_seller", T1, True),
    SiteFact("D", "coal_seller", T1, False),  # closed before the period ended
    SiteFact("E", "coal_seller", T2, True),
    SiteFact("F", "coal_seller", T2, True),
    SiteFact("F1", "scale_farm", T1, True),
    SiteFact("F3", "scale_farm", T1, True),
    SiteFact("F4", "scale_farm", T1, True),
    SiteFact("S1", "sewage_station", T1, True),
    SiteFact("S3", "sewage_station", T2, True),
]
VISITS = [
    VisitFact("A", date(2026, 12, 3), SAMPLE_PASS),
    VisitFact("B", date(2026, 3, 10), SAMPLE_FAIL),
    VisitFact("D", date(2026, 12, 4), SAMPLE_FAIL),  # not counted: D is closed
    VisitFact("E", date(2026, 12, 5), SAMPLE_PASS),
    VisitFact("E", date(2026, 12, 20), SAMPLE_FAIL),
    VisitFact("F", date(2026, 12, 21), {"sample_taken": False}),
    VisitFact("F1", date(2026, 12, 2), {"facilities_match": True}),
    VisitFact("F3", date(2026, 12, 1), {"facilities_match": True}),
    VisitFact("F3", date(2026, 12, 15), {"facilities_match": False}),  # the latest counts
    VisitFact("S1", date(2026, 12, 9), {"running": True}),
    VisitFact("S3", date(2026, 12, 9), {"running": False}),
]


def december():
    return site_figures(date(2026, 12, 1), date(2026, 12, 31), SITES, VISITS, TARGETS, COUNTY)


def pair(result):
    return result.numerator, result.denominator


def test_the_coal_figures_of_december_by_hand():
    figures = december()
    # T1: A sampled in December of A, B, C (D closed); A and B this year; A's sample passed.
    assert pair(figures[T1]["coal_sampling_month"]) == (1, 3)
    assert pair(figures[T1]["coal_sampling_year"]) == (2, 3)
    assert pair(figures[T1]["coal_sample_pass"]) == (1, 1)
    # T2: E of E, F; two samples of E, one passing; F visited without a sample.
    assert pair(figures[T2]["coal_sampling_month"]) == (1, 2)
    assert pair(figures[T2]["coal_sample_pass"]) == (1, 2)
    county = figures[COUNTY]
    # 2 / 5 = 0.4, not the mean of 1/3 and 1/2 (0.4167)
    assert county["coal_sampling_month"].rate == 2 / 5
    assert county["coal_sampling_month"].status == "meets"  # ≥ 20 %
    assert county["coal_sampling_year"].rate == 3 / 5
    assert county["coal_sampling_year"].status == "behind"
    assert county["coal_sampling_year"].path_expected == 1.0  # December: all of them
    assert county["coal_sampling_year"].path_status == "behind_path"
    assert pair(county["coal_sample_pass"]) == (2, 3)
    assert county["coal_sample_pass"].target is None
    assert county["coal_sampling_month"].units == 5


def test_farms_and_stations_count_the_latest_visit_and_report_coverage():
    figures = december()
    farms = figures[T1]["farm_facilities"]
    # F1 matches; F3's latest visit says not; F4 was not visited: 1 of 2 visited, 2 of 3 covered
    assert (pair(farms), farms.units, farms.coverage) == ((1, 2), 3, 2 / 3)
    assert figures[T1]["farm_facilities"].status == "behind"  # 0.5 < 0.95 − 0.10
    assert pair(figures[T1]["station_running"]) == (1, 1)
    assert pair(figures[T2]["station_running"]) == (0, 1)
    assert figures[COUNTY]["station_running"].rate == 1 / 2
    assert figures[COUNTY]["station_running"].status == "no_target"


def test_the_years_path_expects_half_by_june():
    june = site_figures(date(2026, 6, 1), date(2026, 6, 30), SITES, VISITS, TARGETS, COUNTY)
    year = june[COUNTY]["coal_sampling_year"]
    assert (pair(year), year.path_expected, year.path_status) == ((1, 5), 0.5, "behind_path")
    assert pair(june[COUNTY]["coal_sampling_month"]) == (0, 5)
    assert "coal_sample_pass" not in june[COUNTY]  # no samples in June


@pytest.fixture(scope="module", params=DATABASES)
def county(request, tmp_path_factory):
    yield from seeded_module_app(request, tmp_path_factory)


@pytest.fixture(autouse=True)
def fresh(county):
    clear_activity(county)


def test_the_monthly_figure_through_the_rollup_api(county):
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
            ("F2", OWN_VILLAGE, {"species": "pig", "head_count": 300}),  # below 500: not scale
        ],
    )
    inspector = headers(county, "inspector")
    visit(client, inspector, "A", "2026-11-03", SAMPLE_PASS)
    visit(client, inspector, "B", "2026-10-03", SAMPLE_FAIL)
    visit(client, admin, "C", "2026-11-12", SAMPLE_FAIL)
    visit(
        client,
        inspector,
        "F1",
        "2026-11-05",
        {"facilities_match": True, "facilities_running": True},
    )
    visit(
        client,
        inspector,
        "F2",
        "2026-11-05",
        {"facilities_match": False, "facilities_running": True},
    )
    answer = client.get("/api/v1/rollup?period=2026-11&level=township", headers=admin)
    assert answer.status_code == 200, answer.get_json()
    units = {u["code"]: u["indicators"] for u in answer.get_json()["units"]}
    own = units[INSPECTOR_TOWNSHIP]
    assert (own["coal_sampling_month"]["numerator"], own["coal_sampling_month"]["denominator"]) == (
        1,
        2,
    )
    assert (own["coal_sampling_year"]["numerator"], own["coal_sampling_year"]["denominator"]) == (
        2,
        2,
    )
    assert own["farm_facilities"]["rate"] == 1.0
    assert own["farm_facilities"]["units"] == 1
    assert units[OTHER_TOWNSHIP]["coal_sample_pass"]["rate"] == 0.0
    county_row = client.get("/api/v1/rollup?period=2026-11&level=county", headers=admin).get_json()
    whole = county_row["units"][0]["indicators"]
    assert set(whole) == {
        "coal_sampling_month",
        "coal_sampling_year",
        "coal_sample_pass",
        "farm_facilities",
    }
    assert whole["coal_sampling_month"]["rate"] == 2 / 3
    assert whole["coal_sample_pass"]["rate"] == 1 / 2
    quarter = client.get("/api/v1/rollup?period=2026Q4&level=county", headers=admin).get_json()
    indicators = quarter["units"][0]["indicators"]
    assert indicators["coal_sampling_year"]["rate"] == 1.0  # 3 of 3 by 31 Dec
    assert {"sewage_treatment", "clean_heating"} <= set(indicators)  # the villages' too
    village = client.get("/api/v1/rollup?period=2026-11&level=village", headers=admin)
    assert village.status_code == 422
