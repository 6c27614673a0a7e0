"""/admin/targets: county admins read the target history and append targets; nobody else may.
A new target applies from the current quarter on, so past quarters keep their judgement."""

from datetime import UTC, date, datetime

import pytest

from app.extensions import db
from app.models import Target
from app.rollups.reports import rollup
from tests.rollup_helpers import add_inspection, set_zone

MOUNTAIN = "140225101201"


def sign_in(client, app, role, make_user, township=None):
    uid = make_user(role, township=township, username=f"{role}-t")
    response = client.post(
        "/login", data={"username": f"{role}-t", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    return uid


@pytest.fixture
def admin_client(seeded, client, make_user):
    seeded.config["CLOCK"] = lambda: datetime(2026, 8, 1, 2, 0, tzinfo=UTC)  # county: 2026Q3
    uid = sign_in(client, seeded, "county_admin", make_user)
    return client, uid


def target_rows():
    return db.session.scalar(db.select(db.func.count()).select_from(Target))


def test_page_shows_history_and_targets_in_force(admin_client, seeded):
    client, _uid = admin_client
    page = client.get("/admin/targets")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert (
        "目标历史" in html and "清洁取暖率" in html and "规划第 5.4 节" in html
    )  # the source in the page's language (issue 20)
    assert "70.0 %" in html  # the mountain clean-heating target in force
    assert "80.0 %" in html  # manure from 2025
    english = client.get("/admin/targets?lang=en").get_data(as_text=True)
    assert "Target history" in english


def test_adding_a_target_keeps_the_old_quarter_judged_by_the_old_one(admin_client, seeded):
    client, uid = admin_client
    with seeded.app_context():
        set_zone(MOUNTAIN, "mountain")
        add_inspection(uid, MOUNTAIN, date(2026, 5, 1), 100, heating={"biomass": 72})
        add_inspection(uid, MOUNTAIN, date(2026, 7, 10), 100, heating={"biomass": 72})
        db.session.commit()
        before = target_rows()
    response = client.post(
        "/admin/targets",
        data={
            "indicator": "clean_heating",
            "zone": "mountain",
            "value_percent": "75",
            "applies_from": "2026Q3",
            "source": "county decision",
        },
    )
    assert response.status_code == 302
    with seeded.app_context():
        assert target_rows() == before + 1  # appended, nothing replaced
        row = db.session.execute(db.select(Target).order_by(Target.id.desc())).scalars().first()
        assert (row.indicator, row.zone, row.value, row.applies_from, row.set_by_id) == (
            "clean_heating",
            "mountain",
            0.75,
            date(2026, 7, 1),
            uid,
        )
        village = {u.code: u for u in rollup("2026Q2", "village", "140225101")}[MOUNTAIN]
        q2 = village.indicators["clean_heating"]
        village = {u.code: u for u in rollup("2026Q3", "village", "140225101")}[MOUNTAIN]
        q3 = village.indicators["clean_heating"]
    # 72/100 = 0.72: meets the 0.70 that applied in Q2; behind-by-3 ("near") the 0.75 of Q3
    assert (q2.target, q2.status) == (0.7, "meets")
    assert (q3.target, q3.status) == (0.75, "near")
    assert "目标已保存" in client.get("/admin/targets").get_data(as_text=True)


@pytest.mark.parametrize(
    "data, field_error",
    [
        ({"applies_from": "2026Q2"}, "目标只能从本季度（2026Q3）起生效"),  # the past
        ({"applies_from": "next year"}, "请输入季度"),
        ({"value_percent": "150"}, "150"),
        ({"value_percent": "NaN"}, ""),  # finite and inside 0–100 (issue 25)
        ({"value_percent": "Infinity"}, ""),
        ({"value_percent": "1e400"}, ""),
        ({"baseline_percent": "NaN", "baseline_date": "2025-01-01", "deadline": "2027-01-01"}, ""),
        ({"value_percent": ""}, ""),
        ({"zone": "unknown"}, ""),
        ({"indicator": "nope"}, ""),
    ],
)
def test_bad_targets_are_refused_and_nothing_is_stored(admin_client, seeded, data, field_error):
    client, _uid = admin_client
    with seeded.app_context():
        before = target_rows()
    form = {
        "indicator": "film_recovery",
        "zone": "*",
        "value_percent": "45",
        "applies_from": "2027",
        **data,
    }
    response = client.post("/admin/targets", data=form)
    assert response.status_code == 422
    assert field_error in response.get_data(as_text=True)
    with seeded.app_context():
        assert target_rows() == before


@pytest.mark.parametrize(
    "role, township", [("inspector", "140225101"), ("township_lead", "140225101"), ("viewer", None)]
)
def test_other_roles_are_refused(seeded, client, make_user, role, township):
    sign_in(client, seeded, role, make_user, township)
    assert client.get("/admin/targets").status_code == 403
    response = client.post(
        "/admin/targets",
        data={
            "indicator": "film_recovery",
            "zone": "*",
            "value_percent": "45",
            "applies_from": "2027",
        },
    )
    assert response.status_code == 403


def test_anonymous_is_sent_to_sign_in(seeded, client):
    response = client.get("/admin/targets")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_post_without_csrf_token_is_refused(admin_client, seeded):
    client, _uid = admin_client
    seeded.config["WTF_CSRF_ENABLED"] = True
    with seeded.app_context():
        before = target_rows()
    response = client.post(
        "/admin/targets",
        data={
            "indicator": "film_recovery",
            "zone": "*",
            "value_percent": "45",
            "applies_from": "2027",
        },
    )
    assert response.status_code in (400, 422)
    with seeded.app_context():
        assert target_rows() == before


def test_a_target_with_a_path_is_appended_and_judges_the_quarters_on_it(admin_client, seeded):
    client, uid = admin_client
    with seeded.app_context():
        set_zone(MOUNTAIN, "mountain")
        add_inspection(uid, MOUNTAIN, date(2026, 8, 1), 100, heating={"biomass": 60})
        db.session.commit()
    data = {
        "indicator": "clean_heating",
        "zone": "mountain",
        "value_percent": "90",
        "applies_from": "2026Q3",
        "source": "2026-2030 plan",
        "baseline_percent": "70",
        "baseline_date": "2025-12-31",
        "deadline": "2030-12-31",
    }
    # a baseline without its date is refused, and nothing is stored
    partial = client.post("/admin/targets", data={**data, "baseline_date": ""})
    assert partial.status_code == 422
    assert client.post("/admin/targets", data=data).status_code == 302
    with seeded.app_context():
        row = db.session.execute(db.select(Target).order_by(Target.id.desc())).scalars().first()
        assert (row.value, row.baseline_value, row.baseline_date, row.deadline) == (
            0.9,
            0.7,
            date(2025, 12, 31),
            date(2030, 12, 31),
        )
        village = next(u for u in rollup("2026Q3", "village", "140225101") if u.code == MOUNTAIN)
    heating = village.indicators["clean_heating"]
    # 2025-12-31 → 2026-09-30 is 273 of 1826 days: 0.70 + 0.20 × 273/1826 = 0.729901…
    assert heating.path_expected == pytest.approx(0.70 + 0.20 * 273 / 1826)
    assert (heating.rate, heating.status, heating.path_status) == (0.6, "behind", "behind_path")
    assert "2030-12-31" in client.get("/admin/targets").get_data(as_text=True)


def test_the_coverage_threshold_is_a_county_setting(admin_client, seeded):
    client, _uid = admin_client
    assert (
        client.post(
            "/admin/settings", data={"reports_scope": "all", "coverage_threshold": "50"}
        ).status_code
        == 303
    )
    with seeded.app_context():
        from app.settings import get_setting  # noqa: PLC0415

        assert get_setting("reports.coverage_threshold") == 0.5
    assert 'value="50"' in client.get("/admin/settings").get_data(as_text=True)
