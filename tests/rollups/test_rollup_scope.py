"""Which inspections a roll-up counts: never a deleted one; only approved ones when the county
says so (app/settings.py), and then every page that shows figures says which.

Three villages of 西坊城镇 (140225101) report manure in 2026Q1:
  V0 200 t produced, 150 t utilised — approved
  V1 100 t, 40 t — submitted (not yet reviewed)
  V2 300 t, 300 t — approved, then deleted
All counted but the deleted: (150 + 40) / (200 + 100) = 190/300 = 0.6333…
Approved only: 150/200 = 0.75.
"""

from datetime import UTC, date, datetime

import pytest

from app.extensions import db
from app.models import Inspection
from app.rollups.reports import rollup, trend
from app.settings import set_setting
from tests.review_world import session_id
from tests.rollup_helpers import add_inspection

T = "140225101"
V = {n: f"1402251012{n:02d}" for n in range(3)}


@pytest.fixture
def scenario(seeded, make_user):
    admin_id = make_user("county_admin")
    with seeded.app_context():
        ids = [
            add_inspection(
                admin_id, V[0], date(2026, 2, 1), 50, manure={"produced_t": 200, "utilised_t": 150}
            ),
            add_inspection(
                admin_id, V[1], date(2026, 2, 2), 50, manure={"produced_t": 100, "utilised_t": 40}
            ),
            add_inspection(
                admin_id, V[2], date(2026, 2, 3), 50, manure={"produced_t": 300, "utilised_t": 300}
            ),
        ]
        for inspection_id in (ids[0], ids[2]):
            db.session.get(Inspection, inspection_id).status = "approved"
        deleted = db.session.get(Inspection, ids[2])
        deleted.deleted_at, deleted.deleted_by_id = datetime.now(UTC), admin_id
        deleted.delete_reason = "entered twice"
        db.session.commit()
    return seeded, admin_id


def manure(app, **options):
    with app.app_context():
        unit = rollup("2026Q1", "township", T, **options)[0]
        series = trend("manure_utilisation", "township", T, ["2026Q1"], **options)
    result = unit.indicators["manure_utilisation"]
    assert series[0][1] == result  # the trend line is the same path
    return (result.numerator, result.denominator, unit.villages_reported)


def test_a_deleted_inspection_never_counts(scenario):
    app, _admin = scenario
    assert manure(app) == (190, 300, 2)
    assert manure(app, approved_only=False) == (190, 300, 2)


def test_the_county_setting_switches_to_approved_only(scenario):
    app, admin_id = scenario
    assert manure(app, approved_only=True) == (150, 200, 1)
    with app.app_context():
        from app.models import User

        set_setting("reports.approved_only", True, db.session.get(User, admin_id))
        db.session.commit()
    assert manure(app) == (150, 200, 1)  # the default now follows the setting
    assert manure(app, approved_only=False) == (190, 300, 2)


def test_the_api_and_the_dashboard_follow_the_setting_and_say_so(scenario, auth_headers):
    app, admin_id = scenario
    client = app.test_client()
    headers = auth_headers(admin_id)
    with client.session_transaction() as session:  # the dashboard is a page: sign in
        session["_user_id"] = session_id(app, admin_id)
        session["_fresh"] = True
    url = f"/api/v1/rollup?level=township&period=2026Q1&township={T}"
    body = client.get(url, headers=headers).get_json()
    figures = body["units"][0]["indicators"]["manure_utilisation"]
    assert (body["counts"], figures["numerator"], figures["denominator"]) == ("all", 190, 300)
    page = client.get("/dashboard/?period=2026Q1").get_data(as_text=True)
    assert "统计范围：全部未删除的检查（含未审核）。" in page
    with app.app_context():
        from app.models import User

        set_setting("reports.approved_only", True, db.session.get(User, admin_id))
        db.session.commit()
    body = client.get(url, headers=headers).get_json()
    figures = body["units"][0]["indicators"]["manure_utilisation"]
    assert (figures["numerator"], figures["denominator"], figures["rate"]) == (150, 200, 0.75)
    assert body["counts"] == "approved"
    page = client.get("/dashboard/?period=2026Q1").get_data(as_text=True)
    assert "统计范围：仅已审核通过的检查。" in page
