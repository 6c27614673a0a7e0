"""Province mode: province, county, township and village roll-ups and trends of the hand-worked
province in tests/province_scenario.py, on SQLite and PostgreSQL, read from the answers and from
the summary alike. A county is the sum of its townships and the province the sum of its
counties: Σ numerator ÷ Σ denominator, never a mean of rates."""

import pytest

from app.extensions import db
from app.rollups.reports import rollup, trend
from app.rollups.summary import quarter as quarter_summary
from tests import province_scenario as ps
from tests.rollup_helpers import by_code

HEATING = "clean_heating"


@pytest.fixture(params=["live", "summary"])
def province(request, app):
    """The scenario read from the answers, or from the summary (switched on by a rebuild)."""
    ps.build(app)
    app.config["ROLLUP_SOURCE"] = "live" if request.param == "live" else "auto"
    with app.app_context():
        if request.param == "summary":
            assert quarter_summary.rebuild(db.session.connection()) > 0
            db.session.commit()
        yield app
        db.session.rollback()


def heating(unit):
    result = unit.indicators[HEATING]
    return (result.numerator, result.denominator, result.status, result.villages_reported)


def test_the_province_is_the_one_top_unit(province):
    (top,) = rollup("2026Q1", "province")
    assert (top.code, top.name, top.level) == ("140000", "山西省", "province")
    assert (top.villages_total, top.villages_reported) == (10, 8)
    assert heating(top) == (1130, 1450, "near", 8)
    result = top.indicators[HEATING]
    assert result.rate == pytest.approx(1130 / 1450)
    assert result.target == pytest.approx(1270 / 1450)
    manure = top.indicators["manure_utilisation"]
    assert (manure.numerator, manure.denominator, manure.status) == (300, 400, "near")


def test_counties_are_sums_of_their_townships_not_means_of_rates(province):
    counties = rollup("2026Q1", "county")
    assert [(c.code, c.name, c.villages_total) for c in counties] == [
        (ps.A, "甲县", 5),
        (ps.B, "乙县", 5),
    ]
    a, b = counties
    assert heating(a) == (580, 750, "behind", 4)
    assert a.indicators[HEATING].rate == pytest.approx(580 / 750)  # not (0.72 + 0.88)/2 = 0.80
    assert a.indicators[HEATING].target == pytest.approx(0.96)
    # B: 550/700 against 550/700 → meets, though its townships' mean rate (0.779) is below
    assert heating(b) == (550, 700, "meets", 4)
    assert b.indicators[HEATING].target == pytest.approx(550 / 700)
    assert a.villages_reported == b.villages_reported == 4
    manure = [c.indicators["manure_utilisation"] for c in counties]
    assert [(m.numerator, m.denominator, m.status) for m in manure] == [
        (90, 100, "meets"),
        (210, 300, "near"),
    ]
    # the province's numerator and denominator are the counties' sums, indicator by indicator
    (top,) = rollup("2026Q1", "province")
    for key, result in top.indicators.items():
        assert result.numerator == sum(c.indicators[key].numerator for c in counties), key
        assert result.denominator == sum(c.indicators[key].denominator for c in counties), key
        assert result.villages_reported == sum(
            c.indicators[key].villages_reported for c in counties
        )
    townships = rollup("2026Q1", "township")
    for county in counties:
        own = [t for t in townships if t.code.startswith(county.code)]
        assert county.indicators[HEATING].numerator == sum(
            t.indicators[HEATING].numerator for t in own
        )
        assert county.villages_total == sum(t.villages_total for t in own)


def test_townships_and_villages_by_scope(province):
    townships = by_code(rollup("2026Q1", "township"))
    assert list(townships) == [ps.A1, ps.A2, ps.B1, ps.B2]
    assert heating(townships[ps.A1]) == (360, 500, "behind", 2)
    assert townships[ps.A1].indicators[HEATING].target == pytest.approx(0.94)
    assert heating(townships[ps.A2]) == (220, 250, "behind", 2)
    assert heating(townships[ps.B1]) == (330, 400, "meets", 2)
    assert townships[ps.B1].indicators[HEATING].target == pytest.approx(0.775)
    assert heating(townships[ps.B2]) == (220, 300, "near", 2)
    # a county scope: that county only, its townships, its villages
    assert [c.code for c in rollup("2026Q1", "county", ps.B)] == [ps.B]
    assert heating(rollup("2026Q1", "county", ps.B)[0]) == (550, 700, "meets", 4)
    assert [t.code for t in rollup("2026Q1", "township", ps.A)] == [ps.A1, ps.A2]
    assert [(t.code, heating(t)) for t in rollup("2026Q1", "township", ps.B2)] == [
        (ps.B2, (220, 300, "near", 2))
    ]
    villages = by_code(rollup("2026Q1", "village", ps.B))
    assert sorted(villages) == sorted(ps.code(k) for k in ps.VILLAGES if k.startswith("b"))
    b1m = villages[ps.code("b1m")].indicators[HEATING]
    assert (b1m.numerator, b1m.denominator, b1m.target, b1m.status) == (240, 300, 0.7, "meets")
    assert villages[ps.code("b2q")].villages_reported == 0
    assert len(rollup("2026Q1", "village", ps.A1)) == 3
    assert len(rollup("2026Q1", "village")) == 10


def test_a_second_quarter_and_the_year(province):
    (q2,) = rollup("2026Q2", "province")
    assert heating(q2) == (700, 700, "meets", 2)
    assert q2.indicators[HEATING].target == pytest.approx(610 / 700)
    assert [heating(c) for c in rollup("2026Q2", "county")] == [
        (400, 400, "meets", 1),
        (300, 300, "meets", 1),
    ]
    (year,) = rollup("2026", "province")  # each village's latest inspection of the year
    assert heating(year)[:2] == (1290, 1450)


def test_trends_at_every_level(province):
    quarters = ["2025Q4", "2026Q1", "2026Q2"]

    def line(level, code):
        return [(r.numerator, r.denominator) for _q, r in trend(HEATING, level, code, quarters)]

    assert line("province", ps.PROVINCE) == [(0, 0), (1130, 1450), (700, 700)]
    assert line("county", ps.A) == [(0, 0), (580, 750), (400, 400)]
    assert line("county", ps.B) == [(0, 0), (550, 700), (300, 300)]
    assert line("township", ps.B2) == [(0, 0), (220, 300), (0, 0)]
    assert line("village", ps.code("b1m")) == [(0, 0), (240, 300), (300, 300)]
    series = trend(HEATING, "province", ps.PROVINCE, quarters)
    assert [q for q, _r in series] == quarters
    assert series[1][1] == rollup("2026Q1", "province")[0].indicators[HEATING]
    # nothing in 2025Q4, and the province's villages share no one target (1.00 and 0.70)
    assert (series[0][1].status, series[0][1].target) == ("no_data", None)
    # the county trend is the same path as the county roll-up
    assert (
        trend(HEATING, "county", ps.B, ["2026Q1"])[0][1]
        == (rollup("2026Q1", "county", ps.B)[0].indicators[HEATING])
    )
    year = trend(HEATING, "province", ps.PROVINCE, ["2026"])[0][1]
    assert (year.numerator, year.denominator) == (1290, 1450)


def test_unknown_units_and_scopes_that_do_not_fit_the_level(province):
    for level, code in (
        ("province", "150000"),
        ("county", "140199"),
        ("county", "140101001"),
        ("township", "140101009"),
        ("village", "140101001299"),
    ):
        with pytest.raises(LookupError):
            trend(HEATING, level, code, ["2026Q1"])
    for scope in ("140199", "140101009", "1401"):
        with pytest.raises(LookupError):
            rollup("2026Q1", "township", scope)
    with pytest.raises(ValueError):
        rollup("2026Q1", "province", ps.A)
    with pytest.raises(ValueError):
        rollup("2026Q1", "county", ps.A1)
    with pytest.raises(ValueError):
        rollup("2026Q1", "region")
