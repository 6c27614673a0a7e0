"""Checks that the roll-up summary equals the answers: the village rows, the area rows (worked out
here from the live village tallies, independently of app/rollups/summary/area.py), and every roll-up
level and trend read from the summary against the same read from the answers."""

import pytest

from app.extensions import db
from app.formdefs.registry import current_forms
from app.models import (
    AreaQuarterFigure,
    AreaVillageCount,
    County,
    Inspection,
    Township,
    Village,
    VillageQuarterFigure,
)
from app.periods import parse_period
from app.rollups.reports import rollup, trend
from app.rollups.sources import period_leaves
from app.rollups.summary import quarter as quarter_summary
from app.rollups.summary.read import summary_figures
from app.rollups.summary.state import is_on
from app.rollups.tallies import village_figures
from app.rollups.targets import targets_at

REPORT_LEVELS = ("province", "county", "township", "village")  # app/rollups/reports.py's


def switch_on() -> int:
    rows = quarter_summary.rebuild(db.session.connection())
    db.session.commit()
    return rows


def switch_off() -> None:
    quarter_summary.switch_off(db.session.connection())
    db.session.commit()


def summary_rows() -> int:
    return sum(
        db.session.scalar(db.select(db.func.count()).select_from(model))
        for model in (VillageQuarterFigure, AreaQuarterFigure, AreaVillageCount)
    )


def live_figures(quarter: str, approved_only: bool):
    indicators = current_forms().indicators.indicators
    span = parse_period(quarter)
    rows = village_figures(
        db.session.connection(),
        indicators,
        span.start,
        span.end,
        quarter,
        approved_only=approved_only,
    )
    return sorted(rows, key=lambda f: f.village_id)


def expected_area_rows(figures) -> dict:
    """{(level, area id, zone, indicator): [Σ numerator, Σ denominator, villages]} by hand."""
    indicators = current_forms().indicators.indicators
    county_of = dict(db.session.execute(db.select(Township.id, Township.county_id)).all())
    out: dict = {}
    for row in figures:
        for level, area in (("township", row.township_id), ("county", county_of[row.township_id])):
            anything = out.setdefault((level, area, "*", "*"), [0.0, 0.0, 0])
            anything[2] += 1
            for ind, pair in zip(indicators, row.figures, strict=True):
                if pair is not None:
                    sums = out.setdefault((level, area, row.zone, ind.key), [0.0, 0.0, 0])
                    sums[0] += pair[0]
                    sums[1] += pair[1]
                    sums[2] += 1
    return out


def stored_area_rows(quarter: str, approved_only: bool) -> dict:
    table = AreaQuarterFigure.__table__
    rows = db.session.execute(
        db.select(
            table.c.level,
            table.c.area_id,
            table.c.zone,
            table.c.indicator,
            table.c.numerator,
            table.c.denominator,
            table.c.villages,
        ).where(table.c.quarter == quarter, table.c.approved_only == approved_only)
    ).all()
    return {tuple(row[:4]): list(row[4:]) for row in rows}


def assert_village_counts_are_live() -> None:
    """The stored villages per township and county and zone are what counting them gives."""
    expected: dict = {}
    rows = db.session.execute(
        db.select(Village.township_id, Township.county_id, Village.zone).join(Township)
    )
    for township, county, zone in rows:
        for key in (("township", township, zone), ("county", county, zone)):
            expected[key] = expected.get(key, 0) + 1
    stored = db.session.execute(
        db.select(
            AreaVillageCount.level,
            AreaVillageCount.area_id,
            AreaVillageCount.zone,
            AreaVillageCount.villages,
        )
    ).all()
    assert {tuple(row[:3]): row[3] for row in stored} == expected


def assert_same_tallies(got: dict, expected: dict, where) -> None:
    assert got.keys() == expected.keys(), where
    for key, tally in expected.items():
        other = got[key]
        assert other.villages_reported == tally.villages_reported, (where, key)
        assert other.numerator == pytest.approx(tally.numerator, rel=1e-12), (where, key)
        assert other.denominator == pytest.approx(tally.denominator, rel=1e-12), (where, key)
        assert other.target_weight == pytest.approx(tally.target_weight, rel=1e-12)
        assert other.target_weighted == pytest.approx(tally.target_weighted, rel=1e-12)


def assert_same_units(got, expected, where) -> None:
    assert [u.code for u in got] == [u.code for u in expected], where
    assert [u.villages_total for u in got] == [u.villages_total for u in expected], where
    assert [u.villages_reported for u in got] == [u.villages_reported for u in expected], where
    for unit_got, unit_expected in zip(got, expected, strict=True):
        for key, result in unit_expected.indicators.items():
            other = unit_got.indicators[key]
            assert other.villages_reported == result.villages_reported, (where, key)
            assert other.numerator == pytest.approx(result.numerator, rel=1e-12), (where, key)
            assert other.denominator == pytest.approx(result.denominator, rel=1e-12)
            assert other.status == result.status, (where, unit_got.code, key)
            assert (other.target is None) == (result.target is None)
            if result.target is not None:
                assert other.target == pytest.approx(result.target, rel=1e-9)


def contract_scopes():
    """(level, scope) pairs the summary's area rows answer (app/rollups/sources.py), over this
    database's areas."""
    county = db.session.scalar(db.select(County.id).order_by(County.id.desc()))
    township = db.session.scalar(
        db.select(Township.id).where(Township.county_id == county).order_by(Township.id)
    )
    return [
        ("province", None),
        ("county", None),
        ("county", ("county", county)),
        ("township", None),
        ("township", ("county", county)),
        ("township", ("township", township)),
    ]


def assert_summary_is_live(app, full=False):
    """With the summary on: the same village rows and area rows for every quarter and setting as
    the answers give; with `full`, every roll-up level and trend too (sums may differ in the
    last bit: floats added in another order)."""
    assert is_on(db.session.connection())
    assert_village_counts_are_live()
    quarters = sorted(set(db.session.scalars(db.select(Inspection.quarter))))
    indicators = current_forms().indicators.indicators
    for quarter in quarters:
        span = parse_period(quarter)
        for approved_only in (False, True):
            live = live_figures(quarter, approved_only)
            kept = summary_figures(
                db.session.connection(),
                indicators,
                [quarter],
                approved_only=approved_only,
                definitions=current_forms().indicators.fingerprint,
            )
            assert sorted(kept, key=lambda f: f.village_id) == live, (quarter, approved_only)
            stored = stored_area_rows(quarter, approved_only)
            expected = expected_area_rows(live)
            assert stored.keys() == expected.keys(), (quarter, approved_only)
            for key, (numerator, denominator, villages) in expected.items():
                assert stored[key][2] == villages, key
                assert stored[key][0] == pytest.approx(numerator, rel=1e-12, abs=1e-9), key
                assert stored[key][1] == pytest.approx(denominator, rel=1e-12, abs=1e-9), key
            if not full:
                continue
            targets = targets_at(span.start)
            county_of = dict(db.session.execute(db.select(Township.id, Township.county_id)).all())
            for level, scope in contract_scopes():
                args = (indicators, span, level, scope, targets, approved_only, county_of)
                rolled, reported = period_leaves(*args).rolled()  # from the summary's area rows
                app.config["ROLLUP_SOURCE"] = "live"
                live_rolled, live_reported = period_leaves(*args).rolled()  # from the answers
                app.config["ROLLUP_SOURCE"] = "auto"
                assert_same_tallies(reported, live_reported, (quarter, level, scope))
                for key in live_rolled:
                    assert_same_tallies(rolled[key], live_rolled[key], (quarter, level, scope))
            township = db.session.scalar(db.select(Township.code).order_by(Township.code))
            for level, code in (*((lv, None) for lv in REPORT_LEVELS), ("village", township)):
                app.config["ROLLUP_SOURCE"] = "live"
                expected_units = rollup(quarter, level, code, approved_only=approved_only)
                app.config["ROLLUP_SOURCE"] = "auto"
                got = rollup(quarter, level, code, approved_only=approved_only)
                assert_same_units(got, expected_units, (quarter, level, code))
    if full:
        _assert_trends_are_live(app, quarters)
    return quarters


def _assert_trends_are_live(app, quarters):
    township = db.session.scalar(db.select(Township.code).order_by(Township.code))
    county = db.session.scalar(db.select(County.code).order_by(County.code))
    province = app.config["PROVINCE_CODE"]
    for level, code in (("province", province), ("county", county), ("township", township)):
        for approved_only in (False, True):
            series = {}
            for source in ("live", "auto"):
                app.config["ROLLUP_SOURCE"] = source
                series[source] = trend("clean_heating", level, code, quarters, approved_only)
            app.config["ROLLUP_SOURCE"] = "auto"
            for (period, got), (_same, expected) in zip(
                series["auto"], series["live"], strict=True
            ):
                assert got.villages_reported == expected.villages_reported, period
                assert got.numerator == pytest.approx(expected.numerator, rel=1e-12), period
                assert got.denominator == pytest.approx(expected.denominator, rel=1e-12)
                assert got.status == expected.status, period
                assert (got.target is None) == (expected.target is None), period
                if expected.target is not None:
                    assert got.target == pytest.approx(expected.target, rel=1e-9), period
