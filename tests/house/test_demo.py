"""`flask demo-data [--clear]`: eight quarters of marked demo data, removed exactly."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Inspection, User, Village
from app.periods import previous_quarters

# 12:00 UTC on 20 Nov 2026 is 20:00 in Hunyuan: the county quarter is 2026Q4.
CLOCK = lambda: datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # noqa: E731
REAL_VILLAGE = "140225100201"  # an administrative village of 永安镇


def _real_inspection(app, make_user, client, auth_headers):
    inspector = make_user("inspector", township="140225100")
    body = {
        "client_uuid": "11111111-2222-4333-8444-555555555555",
        "village_code": REAL_VILLAGE,
        "inspected_on": "2026-10-05",
        "households": 300,
        "sections": {"film": {"used_t": 10, "recovered_t": 4}},
    }
    response = client.post("/api/v1/inspections", json=body, headers=auth_headers(inspector))
    assert response.status_code == 201, response.get_json()


def _manure_rate(quarter):
    produced = (
        select(func.sum(Answer.value_num))
        .join(Inspection)
        .where(
            Inspection.quarter == quarter, Answer.section == "manure", Answer.field == "produced_t"
        )
    )
    utilised = (
        select(func.sum(Answer.value_num))
        .join(Inspection)
        .where(
            Inspection.quarter == quarter, Answer.section == "manure", Answer.field == "utilised_t"
        )
    )
    return db.session.scalar(utilised) / db.session.scalar(produced)


def test_demo_data_loads_marked_trending_data_and_clear_removes_exactly_it(
    seeded, runner, make_user, client, auth_headers
):
    app = seeded
    app.config["CLOCK"] = CLOCK
    with app.app_context():
        village = db.session.scalar(select(Village).where(Village.code == REAL_VILLAGE))
        village.zone, village.households = "mountain", 300  # as an admin's import would
        db.session.commit()
    _real_inspection(app, make_user, client, auth_headers)

    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        demo = select(Inspection).where(Inspection.is_demo.is_(True))
        inspections = db.session.scalars(demo).all()
        assert f"loaded {len(inspections)} demo inspections" in result.output
        # 223 villages get demo values (all but the imported one)
        assert "demo zone/households on 223 villages" in result.output
        quarters = {i.quarter for i in inspections}
        assert sorted(quarters) == previous_quarters("2026Q4", 8)
        # 224 units × 8 quarters = 1792 possible; some are missing, most are there
        assert 1500 < len(inspections) < 1792
        assert {i.inspector.username for i in inspections} == {"demo"}
        assert all(i.inspected_on <= datetime(2026, 11, 20).date() for i in inspections)
        assert _manure_rate("2025Q1") + 0.05 < _manure_rate("2026Q3")  # rising
        kept = db.session.scalar(select(Village).where(Village.code == REAL_VILLAGE))
        assert (kept.zone, kept.households, kept.is_demo) == ("mountain", 300, False)
        assert (
            db.session.scalar(
                select(func.count()).select_from(Village).where(Village.households.is_(None))
            )
            == 0
        )
        assert not db.session.scalar(select(User).where(User.username == "demo")).is_active
        loaded = len(inspections)

    cleared = runner.invoke(args=["demo-data", "--clear"])
    assert cleared.exit_code == 0, cleared.output
    assert f"removed {loaded} demo inspections; reset 223 villages" in cleared.output
    with app.app_context():
        left = db.session.scalars(select(Inspection)).all()
        assert [(i.village.code, i.is_demo) for i in left] == [(REAL_VILLAGE, False)]
        # the real inspection's answers: households + film used + film recovered
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 3
        assert db.session.scalar(select(User).where(User.username == "demo")) is None
        zones = dict(
            db.session.execute(select(Village.zone, func.count()).group_by(Village.zone)).all()
        )
        assert zones == {"unknown": 212, "county_town": 11, "mountain": 1}
        assert (
            db.session.scalar(
                select(func.count()).select_from(Village).where(Village.households.is_not(None))
            )
            == 1
        )


def test_a_village_plan_is_the_same_every_run_and_keeps_the_forms_rules():
    from app.demo.plan import VillagePlan
    from app.formdefs.loader import load_forms
    from tests.paths import FORMS

    today, form_set = datetime(2026, 11, 20).date(), load_forms(FORMS)
    first = [
        VillagePlan("140225100201", "mountain", 300).submission(q, i / 7, today, form_set)
        for i, q in enumerate(previous_quarters("2026Q4", 8))
    ]
    again = [
        VillagePlan("140225100201", "mountain", 300).submission(q, i / 7, today, form_set)
        for i, q in enumerate(previous_quarters("2026Q4", 8))
    ]
    assert first == again  # fixed seed: same village, same data
    for submission in first:
        s = submission["sections"]
        assert s["manure"]["utilised_t"] <= s["manure"]["produced_t"]
        routes = ["fertiliser_t", "feed_t", "fuel_t", "base_material_t", "raw_material_t"]
        assert sum(s["straw"][k] for k in routes) <= s["straw"]["produced_t"]
        assert s["film"]["recovered_t"] <= s["film"]["used_t"]
        assert sum(s["heating"].values()) == 300  # every household heats somehow
        assert s["sewage"]["households_treated"] <= 300
        assert submission["inspected_on"] <= "2026-11-20"
