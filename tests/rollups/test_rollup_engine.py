"""Roll-ups from real inspections through the one SQL statement and the pure arithmetic, on
SQLite and PostgreSQL. Every figure is worked out by hand in the comments.

Township 西坊城镇 (140225101) has 11 villages, the county 213 villages + 11 communities = 224.
Default targets (seeded from forms/indicators.json): clean heating 1.00 plain / county town /
default `*`, 0.70 mountain; manure 0.80 from 2025; straw 0.90; film 0.40; sewage none.
"""

from datetime import date

import pytest

from app.extensions import db
from app.models import Village
from app.rollups.reports import rollup, trend
from tests.rollup_helpers import add_inspection, add_target, by_code, judge_any_coverage, set_zone

T = "140225101"  # 西坊城镇
V = {n: f"1402251012{n:02d}" for n in range(11)}  # its villages 140225101200…210


@pytest.fixture
def county(seeded, make_user):
    uid = make_user("county_admin")
    ctx = seeded.app_context()
    ctx.push()
    judge_any_coverage()
    yield uid
    db.session.rollback()
    ctx.pop()


def test_mixed_zones_give_a_household_weighted_target(county):
    set_zone(V[0], "plain")
    set_zone(V[1], "mountain")
    add_inspection(county, V[0], date(2026, 2, 1), 400, heating={"central": 300, "electric": 80})
    add_inspection(county, V[1], date(2026, 2, 2), 100, heating={"biomass": 60, "coal": 40})
    township = rollup("2026Q1", "township", T)[0]
    heating = township.indicators["clean_heating"]
    # (300+80) + 60 = 440 clean of 400+100 = 500 → 0.88
    # target (400·1.00 + 100·0.70)/500 = 470/500 = 0.94 → not met, 6 points below → near
    assert (heating.numerator, heating.denominator) == (440, 500)
    assert heating.rate == pytest.approx(0.88)
    assert heating.target == pytest.approx(0.94)
    assert (heating.meets, heating.status, heating.villages_reported) == (False, "near", 2)
    assert (township.code, township.villages_total, township.villages_reported) == (T, 11, 2)

    villages = by_code(rollup("2026Q1", "village", T))
    assert len(villages) == 11
    plain, mountain = (
        villages[V[0]].indicators["clean_heating"],
        villages[V[1]].indicators["clean_heating"],
    )
    assert (plain.rate, plain.target, plain.status) == (0.95, 1.0, "near")  # 380/400
    assert (mountain.rate, mountain.target, mountain.status) == (0.6, 0.7, "near")  # 60/100

    whole = rollup("2026Q1", "county")[0]
    assert (whole.code, whole.villages_total, whole.villages_reported) == ("140225", 224, 2)
    assert whole.indicators["clean_heating"].target == pytest.approx(0.94)


def test_latest_inspection_counts_then_latest_stored_on_the_same_day(county):
    set_zone(V[2], "plain")
    add_inspection(county, V[2], date(2026, 3, 1), 200, heating={"central": 180})
    add_inspection(county, V[2], date(2026, 2, 1), 200, heating={"central": 10})  # stored later,
    # but inspected earlier: loses on date
    add_inspection(county, V[2], date(2026, 3, 1), 200, heating={"central": 120})  # same day as
    # the first, stored later: wins the tie
    add_inspection(
        county,
        V[2],
        date(2026, 3, 15),
        999,
        sewage={
            "households_treated": 333,
            "treatment_mode": "septic_tank",
            "facility_running": True,
        },
    )
    village = by_code(rollup("2026Q1", "village", T))[V[2]]
    heating = village.indicators["clean_heating"]
    # heating: the 1 March inspection stored last → 120/200; its households (200), not the
    # 999 of the later sewage-only visit, are the denominator
    assert (heating.numerator, heating.denominator, heating.rate) == (120, 200, 0.6)
    sewage = village.indicators["sewage_treatment"]
    assert (sewage.numerator, sewage.denominator) == (333, 999)  # from the 15 March visit
    assert village.villages_reported == 1 and heating.villages_reported == 1
    # the village counts once in the township, however often it was inspected
    township = rollup("2026Q1", "township", T)[0]
    assert township.indicators["clean_heating"].villages_reported == 1
    assert township.indicators["clean_heating"].denominator == 200


def test_village_without_inspection_and_zero_denominator(county):
    add_inspection(
        county,
        V[3],
        date(2026, 1, 5),
        0,
        heating={"central": 0},
        film={"used_t": 0, "recovered_t": 0},
    )
    villages = by_code(rollup("2026Q1", "village", T))
    empty = villages[V[4]]  # never inspected
    assert empty.villages_reported == 0 and empty.villages_total == 1
    assert {r.status for r in empty.indicators.values()} == {"no_data"}
    # zone unknown → the county default target 1.00 is still shown
    assert empty.indicators["clean_heating"].target == 1.0
    zero = villages[V[3]].indicators
    # 0 households, 0 t film: no rate (None, not 0), yet the village did report
    assert (zero["clean_heating"].rate, zero["clean_heating"].villages_reported) == (None, 1)
    assert (zero["film_recovery"].rate, zero["film_recovery"].meets) == (None, None)
    assert zero["film_recovery"].status == "no_data"
    assert zero["manure_utilisation"].villages_reported == 0  # no manure section
    township = rollup("2026Q1", "township", T)[0]
    assert (township.villages_total, township.villages_reported) == (11, 1)
    assert township.indicators["film_recovery"].rate is None


def test_a_target_changed_between_quarters_keeps_the_old_one_for_the_old_quarter(county):
    set_zone(V[0], "plain")
    add_inspection(county, V[0], date(2026, 2, 1), 100, heating={"central": 92})
    add_inspection(county, V[0], date(2026, 5, 1), 100, heating={"central": 92})
    add_target("clean_heating", "plain", 0.90, "2026Q2")
    q1 = rollup("2026Q1", "township", T)[0].indicators["clean_heating"]
    q2 = rollup("2026Q2", "township", T)[0].indicators["clean_heating"]
    # 92/100 = 0.92: behind 1.00 in Q1 (8 points → near), meets 0.90 from Q2
    assert (q1.rate, q1.target, q1.meets, q1.status) == (0.92, 1.0, False, "near")
    assert (q2.rate, q2.target, q2.meets, q2.status) == (0.92, 0.9, True, "meets")
    series = trend("clean_heating", "village", V[0], ["2025Q4", "2026Q1", "2026Q2"])
    assert [(p, r.rate, r.target) for p, r in series] == [
        ("2025Q4", None, 1.0),
        ("2026Q1", 0.92, 1.0),
        ("2026Q2", 0.92, 0.9),
    ]


def test_year_period_takes_the_latest_inspection_of_its_four_quarters(county):
    set_zone(V[0], "plain")
    add_inspection(county, V[0], date(2026, 2, 1), 400, heating={"central": 380})
    add_inspection(county, V[0], date(2026, 8, 1), 400, heating={"central": 390})
    add_inspection(county, V[1], date(2026, 5, 1), 100, heating={"central": 50})
    add_inspection(county, V[1], date(2025, 12, 31), 100, heating={"central": 100})  # last year
    year = rollup("2026", "township", T)[0].indicators["clean_heating"]
    # V0: the August visit 390/400; V1: the May visit 50/100 → 440/500 = 0.88
    assert (year.numerator, year.denominator, year.villages_reported) == (440, 500, 2)
    assert year.rate == pytest.approx(0.88)
    series = trend("clean_heating", "township", T, ["2025", "2026"])
    assert [(p, r.numerator, r.denominator) for p, r in series] == [
        ("2025", 100, 100),
        ("2026", 440, 500),
    ]


def test_unknown_zone_uses_the_county_default_target(county):
    set_zone(V[1], "mountain")  # V[5] stays `unknown`
    add_target("clean_heating", "*", 0.85, "2026Q1")
    add_inspection(county, V[5], date(2026, 2, 1), 100, heating={"gas": 80})
    add_inspection(county, V[1], date(2026, 2, 1), 100, heating={"gas": 80})
    villages = by_code(rollup("2026Q1", "village", T))
    unknown = villages[V[5]].indicators["clean_heating"]
    mountain = villages[V[1]].indicators["clean_heating"]
    # 80/100 = 0.80: default 0.85 → near; mountain keeps its own 0.70 → meets
    assert (unknown.target, unknown.status) == (0.85, "near")
    assert (mountain.target, mountain.status) == (0.7, "meets")
    # township: 160/200 = 0.80 against (0.85·100 + 0.70·100)/200 = 0.775 → meets
    township = rollup("2026Q1", "township", T)[0].indicators["clean_heating"]
    assert township.target == pytest.approx(0.775)
    assert township.meets is True


def test_sewage_villages_counts_villages_with_a_running_facility(county):
    sewage = [  # (village, households, treated, mode, running)
        (V[0], 100, 80, "village_station", True),  # counts
        (V[1], 50, 0, "none", True),  # no treatment: does not count
        (V[2], 200, 150, "septic_tank", False),  # not running: does not count
        (V[3], 30, 30, "pipe_network", True),  # counts
    ]
    for code, households, treated, mode, running in sewage:
        add_inspection(
            county,
            code,
            date(2026, 3, 3),
            households,
            sewage={
                "households_treated": treated,
                "treatment_mode": mode,
                "facility_running": running,
            },
        )
    township = rollup("2026Q1", "township", T)[0].indicators
    villages_rate = township["sewage_villages"]
    assert (villages_rate.numerator, villages_rate.denominator, villages_rate.rate) == (2, 4, 0.5)
    assert villages_rate.target is None and villages_rate.status == "no_target"
    households = township["sewage_treatment"]
    # (80+0+150+30)/(100+50+200+30) = 260/380
    assert (households.numerator, households.denominator) == (260, 380)
    assert households.rate == pytest.approx(260 / 380)


def test_rate_is_sum_over_sum_where_a_mean_of_rates_would_differ(county):
    add_inspection(county, V[0], date(2026, 2, 1), 10, manure={"produced_t": 10, "utilised_t": 1})
    add_inspection(county, V[1], date(2026, 2, 1), 10, manure={"produced_t": 100, "utilised_t": 90})
    manure = rollup("2026Q1", "township", T)[0].indicators["manure_utilisation"]
    # Σ 91 t of Σ 110 t = 0.827 ≥ 0.80 (2025 target) → meets; mean of 0.1 and 0.9 = 0.5 would not
    assert (manure.numerator, manure.denominator) == (91, 110)
    assert manure.rate == pytest.approx(0.8272727)
    assert (manure.target, manure.meets) == (0.8, True)


def spread(total: int, parts: int) -> list[int]:
    """total split into `parts` whole numbers that differ by at most 1 and add up to total."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def test_the_county_2020_heating_situation(county):
    """Plan §5.1.1: 95,567 households, of which 32,413 heat cleanly (22,858 central + 2,555
    electric + 7,000 biomass) → 33.9 %. Spread over the 213 villages: 50 mountain villages with
    22,622 households and 163 plain ones with 72,945."""
    codes = [
        v.code
        for v in db.session.execute(
            db.select(Village).where(Village.kind == "village").order_by(Village.code)
        ).scalars()
    ]
    assert len(codes) == 213
    households = spread(22_622, 50) + spread(72_945, 163)
    central, electric, biomass = spread(22_858, 213), spread(2_555, 213), spread(7_000, 213)
    for i, code in enumerate(codes):
        set_zone(code, "mountain" if i < 50 else "plain")
        add_inspection(
            county,
            code,
            date(2020, 12, 1),
            households[i],
            heating={
                "central": central[i],
                "electric": electric[i],
                "biomass": biomass[i],
                "coal": households[i] - central[i] - electric[i] - biomass[i],
            },
        )
    heating = rollup("2020Q4", "county")[0].indicators["clean_heating"]
    assert (heating.numerator, heating.denominator, heating.villages_reported) == (
        32_413,
        95_567,
        213,
    )
    assert heating.rate == 32_413 / 95_567  # 0.339165… → 33.9 %
    assert round(heating.rate, 4) == 0.3392 and f"{heating.rate:.1%}" == "33.9%"
    # the plan's targets apply from 2021, so 2020 is judged against none
    assert (heating.target, heating.meets, heating.status) == (None, None, "no_target")
    # judged by the 2021 targets (appended here as if they had applied in 2020Q4):
    # (72,945·1.00 + 22,622·0.70)/95,567 = 88,780.4/95,567 = 0.92899… → behind
    add_target("clean_heating", "plain", 1.0, "2020Q4")
    add_target("clean_heating", "mountain", 0.7, "2020Q4")
    heating = rollup("2020Q4", "county")[0].indicators["clean_heating"]
    assert heating.target == pytest.approx(88_780.4 / 95_567)
    assert (heating.meets, heating.status) == (False, "behind")
    # the 16 townships add up to the county
    townships = rollup("2020Q4", "township")
    assert len(townships) == 16
    assert sum(t.indicators["clean_heating"].numerator for t in townships) == 32_413
    assert sum(t.villages_total for t in townships) == 224
