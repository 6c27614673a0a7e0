"""The combined manure rate (villages + scale farms), pure and by hand: each counted scale farm
once, at its latest inspection of the year giving both figures; a farm below the threshold, a
closed farm, a visit after the period or in another year adds nothing; never a mean of rates."""

from datetime import date

from app.rollups.core import IndicatorResult
from app.sites.figures import SiteFact, VisitFact
from app.sites.manure import FarmManure, combined, farm_manure

T1, T2, COUNTY = "140225101", "140225102", "140225"
SITES = [
    SiteFact("F1", "scale_farm", T1, True),
    SiteFact("F2", "scale_farm", T2, True),
    SiteFact("F3", "scale_farm", T1, False),  # below the threshold (or closed): not counted
    SiteFact("F4", "scale_farm", T2, True),
    SiteFact("S1", "sewage_station", T1, True),
]


def manure(produced, used):
    return {"manure_t_y": produced, "manure_used_t_y": used}


VISITS = [
    VisitFact("F1", date(2026, 3, 1), manure(1000, 800)),
    VisitFact("F1", date(2026, 9, 1), manure(1200, 900)),  # the latest: replaces March's
    VisitFact("F1", date(2026, 9, 20), {"facilities_match": True}),  # no manure figures
    VisitFact("F2", date(2026, 5, 1), manure(500, 450)),
    VisitFact("F2", date(2026, 10, 2), manure(600, 600)),  # after 30 September
    VisitFact("F3", date(2026, 5, 1), manure(100, 10)),
    VisitFact("F4", date(2025, 12, 1), manure(300, 300)),  # last year
    VisitFact("F4", date(2026, 6, 1), {"manure_t_y": 300}),  # used missing: not counted
]


def village(numerator, denominator, target=0.8):
    rate = numerator / denominator
    return IndicatorResult(numerator, denominator, rate, target, None, "near", 3)


def test_each_farm_counts_once_at_its_latest_figures_of_the_year():
    farms = farm_manure(SITES, VISITS, date(2026, 9, 30), COUNTY)
    assert farms[T1] == FarmManure(900.0, 1200.0, 1)
    assert farms[T2] == FarmManure(450.0, 500.0, 1)
    assert farms[COUNTY] == FarmManure(1350.0, 1700.0, 2)


def test_the_combined_rate_sums_numerators_and_denominators():
    farms = farm_manure(SITES, VISITS, date(2026, 9, 30), COUNTY)
    result = combined(village(400.0, 500.0), farms[COUNTY])
    # (400 + 1350) ÷ (500 + 1700) = 1750 ÷ 2200 = 0.79545…, not the mean of 0.8 and 0.794
    assert (result.numerator, result.denominator) == (1750.0, 2200.0)
    assert result.rate == 1750 / 2200
    assert (result.target, result.status) == (0.8, "near")
    assert (result.village_numerator, result.village_denominator) == (400.0, 500.0)
    alone = combined(None, farms[T2])  # no village figure: the farms alone, no target
    assert (alone.rate, alone.target, alone.status) == (0.9, None, "no_target")
    nothing = combined(None, None)
    assert (nothing.rate, nothing.status) == (None, "no_data")
