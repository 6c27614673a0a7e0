"""Sums per township and county (app/rollups/summary/area.py) and what the roll-up's source seam
(app/rollups/sources.py) makes of them, worked out by hand for four villages in three townships
of two counties; then kept right through an approval, a township moving county, a Core zone
change and a later visit."""

from datetime import date

import pytest

from app.extensions import db
from app.formdefs.registry import current_forms
from app.inspections.changes import review_inspection
from app.models import (
    AreaQuarterFigure,
    AreaVillageCount,
    County,
    Inspection,
    Township,
    User,
    Village,
)
from app.periods import parse_period
from app.rollups.reports import trend
from app.rollups.sources import period_leaves
from app.rollups.summary.quarter import note_villages
from app.rollups.targets import targets_at
from tests.rollup_helpers import add_inspection, judge_any_coverage
from tests.summary_helpers import assert_summary_is_live, switch_on

QUARTER = "2026Q1"


def areas(approved_only=False) -> dict:
    table = AreaQuarterFigure.__table__
    rows = db.session.execute(
        db.select(table).where(
            table.c.quarter == QUARTER,
            table.c.approved_only == approved_only,
            table.c.indicator.in_(("clean_heating", "*")),
        )
    ).mappings()
    return {
        (r["level"], r["area_id"], r["zone"], r["indicator"]): (
            r["numerator"],
            r["denominator"],
            r["villages"],
        )
        for r in rows
    }


@pytest.fixture
def four_villages(seeded, make_user):
    """Villages a, b (township T1), c (T2) in county 1; d (T3) in county 2, each with one visit
    in 2026Q1 reporting clean heating only (central / households)."""
    app = seeded
    uid = make_user("county_admin")
    reviewer = make_user("county_admin", username="reviewer")  # nobody reviews their own
    with app.app_context():
        t1, t2, t3 = db.session.scalars(db.select(Township).order_by(Township.code).limit(3))
        second = County(code="140226", name="第二县")
        db.session.add(second)
        t3.county = second
        db.session.flush()
        a, b = db.session.scalars(
            db.select(Village).where(Village.township_id == t1.id).order_by(Village.code).limit(2)
        )
        c = db.session.scalars(db.select(Village).where(Village.township_id == t2.id)).first()
        d = db.session.scalars(db.select(Village).where(Village.township_id == t3.id)).first()
        for village, zone, central, households in (
            (a, "plain", 60, 100),
            (b, "mountain", 30, 50),
            (c, "mountain", 14, 20),
            (d, "plain", 45, 90),
        ):
            village.zone = zone
            add_inspection(
                uid, village.code, date(2026, 2, 1), households, heating={"central": central}
            )
        judge_any_coverage()  # a world of four villages: the arithmetic, not the coverage
        db.session.commit()
        ids = {
            "T1": t1.id, "T2": t2.id, "T3": t3.id, "C1": t1.county_id, "C2": second.id,
            "a": a.id, "b": b.id, "d": d.id, "b_code": b.code, "uid": uid, "reviewer": reviewer,
        }  # fmt: skip
        switch_on()
    return app, ids


def villages_of(level: str, area: int) -> dict[str, int]:
    return dict(
        db.session.execute(
            db.select(AreaVillageCount.zone, AreaVillageCount.villages).where(
                AreaVillageCount.level == level, AreaVillageCount.area_id == area
            )
        ).all()
    )


def contract(level, scope=None, approved_only=False):
    indicators = current_forms().indicators.indicators
    span = parse_period(QUARTER)
    county_of = dict(db.session.execute(db.select(Township.id, Township.county_id)).all())
    leaves = period_leaves(
        indicators, span, level, scope, targets_at(span.start), approved_only, county_of
    )
    assert leaves.source == "summary areas"  # the summary's area rows were read
    rolled, reported = leaves.rolled()
    return rolled["clean_heating"], {unit: t.villages_reported for unit, t in reported.items()}


def test_sums_per_area_and_the_roll_ups_made_of_them(four_villages):
    app, ids = four_villages
    T1, T2, T3, C1, C2 = (ids[k] for k in ("T1", "T2", "T3", "C1", "C2"))  # noqa: N806
    with app.app_context():
        assert areas() == {
            ("township", T1, "plain", "clean_heating"): (60, 100, 1),
            ("township", T1, "mountain", "clean_heating"): (30, 50, 1),
            ("township", T1, "*", "*"): (0, 0, 2),
            ("township", T2, "mountain", "clean_heating"): (14, 20, 1),
            ("township", T2, "*", "*"): (0, 0, 1),
            ("township", T3, "plain", "clean_heating"): (45, 90, 1),
            ("township", T3, "*", "*"): (0, 0, 1),
            ("county", C1, "plain", "clean_heating"): (60, 100, 1),
            ("county", C1, "mountain", "clean_heating"): (30 + 14, 50 + 20, 2),
            ("county", C1, "*", "*"): (0, 0, 3),
            ("county", C2, "plain", "clean_heating"): (45, 90, 1),
            ("county", C2, "*", "*"): (0, 0, 1),
        }
        assert areas(approved_only=True) == {}  # nothing approved

        # County 1: 104/170; target weighted by denominator: (1.0·100 + 0.7·70) / 170 = 149/170
        counties, reported = contract("county")
        assert reported == {C1: 3, C2: 1}
        one = counties[C1]
        assert (one.numerator, one.denominator, one.villages_reported) == (104, 170, 3)
        assert one.target == pytest.approx(149 / 170)
        assert counties[C2].rate == 0.5 and counties[C2].target == 1.0
        # The province: 149/260, target (149 + 1.0·90) / 260 = 239/260, four villages
        province, reported = contract("province")
        assert reported == {0: 4}
        assert (province[0].numerator, province[0].denominator) == (149, 260)
        assert province[0].target == pytest.approx(239 / 260)
        # County 1's townships: T1 90/150 at (100 + 0.7·50)/150 = 0.9; T2 14/20 at 0.7 (meets)
        townships, reported = contract("township", ("county", C1))
        assert reported == {T1: 2, T2: 1} and townships.keys() == {T1, T2}
        assert (townships[T1].rate, townships[T1].target) == (0.6, pytest.approx(0.9))
        assert (townships[T2].rate, townships[T2].target) == (0.7, pytest.approx(0.7))
        assert contract("township", ("township", T3))[1] == {T3: 1}
        assert contract("county", ("county", C2))[0].keys() == {C2}
        # County 1's trend of one quarter: the same 104/170 at 149/170, "behind" (< 0.776)
        county_code = db.session.get(County, C1).code
        [(period, result)] = trend("clean_heating", "county", county_code, [QUARTER], False)
        assert (period, result.numerator, result.denominator) == (QUARTER, 104, 170)
        assert (result.status, result.villages_reported) == ("behind", 3)


def test_area_sums_follow_approvals_moves_zone_changes_and_later_visits(four_villages):
    app, ids = four_villages
    T1, T2, T3, C1, C2 = (ids[k] for k in ("T1", "T2", "T3", "C1", "C2"))  # noqa: N806
    with app.app_context():
        visit_a = db.session.scalar(db.select(Inspection).where(Inspection.village_id == ids["a"]))
        review_inspection(visit_a, "approve", db.session.get(User, ids["reviewer"]))
        db.session.commit()
        assert areas(approved_only=True) == {
            ("township", T1, "plain", "clean_heating"): (60, 100, 1),
            ("township", T1, "*", "*"): (0, 0, 1),
            ("county", C1, "plain", "clean_heating"): (60, 100, 1),
            ("county", C1, "*", "*"): (0, 0, 1),
        }

        db.session.get(Township, T2).county_id = C2  # T2 (village c) moves to county 2
        db.session.commit()
        counties = {k: v for k, v in areas().items() if k[0] == "county"}
        assert counties == {
            ("county", C1, "plain", "clean_heating"): (60, 100, 1),
            ("county", C1, "mountain", "clean_heating"): (30, 50, 1),
            ("county", C1, "*", "*"): (0, 0, 2),
            ("county", C2, "plain", "clean_heating"): (45, 90, 1),
            ("county", C2, "mountain", "clean_heating"): (14, 20, 1),
            ("county", C2, "*", "*"): (0, 0, 2),
        }

        # a Core update of village d's zone, named for the bookkeeping as app/demo/inspections.py
        # does
        db.session.execute(db.update(Village).where(Village.id == ids["d"]).values(zone="mountain"))
        note_villages(db.session, [ids["d"]])
        db.session.commit()
        current = areas()
        assert current[("township", T3, "mountain", "clean_heating")] == (45, 90, 1)
        assert ("township", T3, "plain", "clean_heating") not in current
        assert current[("county", C2, "mountain", "clean_heating")] == (59, 110, 2)
        assert ("county", C2, "plain", "clean_heating") not in current

        # a later visit to b (40 of 50) replaces its figures in T1 and county 1
        add_inspection(ids["uid"], ids["b_code"], date(2026, 3, 1), 50, heating={"central": 40})
        db.session.commit()
        current = areas()
        assert current[("township", T1, "mountain", "clean_heating")] == (40, 50, 1)
        assert current[("county", C1, "mountain", "clean_heating")] == (40, 50, 1)
        assert current[("county", C1, "*", "*")] == (0, 0, 2)

        # a new village in T3 (county 2): one more mountain village in both, nothing reported
        before = villages_of("township", T3), villages_of("county", C2)
        db.session.add(Village(code="140225999001", name="新村", township_id=T3, zone="mountain"))
        db.session.commit()
        after = villages_of("township", T3), villages_of("county", C2)
        for old, new in zip(before, after, strict=True):
            assert new == {**old, "mountain": old.get("mountain", 0) + 1}
        assert_summary_is_live(app, full=True)
