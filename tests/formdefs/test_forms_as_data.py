"""Forms and indicators are data, for the numbers too.

1. A changed indicator definition never shows the roll-up summary's old numbers: the summary is
   rebuilt under one definition of straw utilisation, the app restarts with another, and no
   page, export or API answer shows the old definition's figure until and after a rebuild.
2. A county adds a section and an indicator as data only (a fixture forms folder: the shipped
   forms plus tests/fixtures/extra_forms), and the inspection form, the API, the roll-up and the
   export carry them with no code change.

Hand-worked figures, township 140225101 (西坊城镇), 2026Q1:
  village A produced 1000 t of straw: 500 to fertiliser, 200 to feed;
  village B produced  500 t:           100 to fertiliser, 300 to fuel.
  Shipped straw_utilisation (five uses): (700 + 400) / 1500 = 73.3 %.
  Changed (fertiliser only):             (500 + 100) / 1500 = 40.0 %.
"""

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app import create_app
from app.accounts.auth import issue_token
from app.extensions import db
from app.geography import county as county_seed
from app.models import User
from app.rollups.reports import summary_freshness
from app.rollups.summary import quarter as quarter_summary
from tests.extra_forms import add_fixture_section
from tests.factories import add_user
from tests.paths import FORMS
from tests.rollup_helpers import add_inspection

SHIPPED = FORMS
TOWNSHIP = "140225101"
A, B = "140225101200", "140225101201"
COUNTY = "140225"
PASSWORD = "correct horse battery"
MARCH = lambda: datetime(2026, 3, 15, 4, 0, tzinfo=UTC)  # noqa: E731 (12:00 in Hunyuan, 2026Q1)


def forms_folder(
    tmp_path: Path, name: str, extra: bool = False, straw_numerator=None, shipped: Path = SHIPPED
) -> Path:
    """A copy of the shipped forms; `extra` adds the fixture section and indicator (refused,
    naming the clash, if the forms have a section of that name), `straw_numerator` replaces
    straw utilisation's numerator fields."""
    folder = tmp_path / name
    shutil.copytree(shipped, folder)
    indicators = json.loads((folder / "indicators.json").read_text())
    if extra:
        add_fixture_section(folder, indicators)
    if straw_numerator is not None:
        straw = next(i for i in indicators["indicators"] if i["key"] == "straw_utilisation")
        straw["numerator"] = {"sum": straw_numerator}
    (folder / "indicators.json").write_text(json.dumps(indicators, ensure_ascii=False))
    return folder


def make_app(database_url: str, tmp_path: Path, forms: Path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production-" + "x" * 16,
            "WTF_CSRF_ENABLED": False,
            "FORMS_DIR": str(forms),
            "CLOCK": MARCH,
        }
    )
    app.instance_path = str(tmp_path / "instance")
    if database_url.startswith("sqlite"):
        with app.app_context():
            db.create_all()  # as conftest's `app` does (PostgreSQL's tables are made once)
    return app


@pytest.fixture
def apps(database_url, tmp_path):
    made = []

    def make(forms: Path):
        app = make_app(database_url, tmp_path, forms)
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def token_for(app, user_id: int) -> dict:
    with app.app_context():
        token, _row = issue_token(db.session.get(User, user_id))
        db.session.commit()
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def straw_of(unit: dict) -> tuple:
    figure = unit["indicators"]["straw_utilisation"]
    return figure["numerator"], figure["denominator"]


def read_everything(app, headers) -> dict:
    """Straw utilisation as every reader shows it: the API at each level and its trend, the
    county page, the township export."""
    client = app.test_client()
    api = "/api/v1/rollup?period=2026Q1&level="
    county = client.get(api + "county", headers=headers).get_json()["units"][0]
    township = next(
        u
        for u in client.get(api + "township", headers=headers).get_json()["units"]
        if u["code"] == TOWNSHIP
    )
    villages = {
        u["code"]: straw_of(u)
        for u in client.get(api + f"village&township={TOWNSHIP}", headers=headers).get_json()[
            "units"
        ]
        if u["code"] in (A, B)
    }
    trend = client.get(
        f"/api/v1/rollup/trend?indicator=straw_utilisation&level=county&code={COUNTY}&periods=1",
        headers=headers,
    ).get_json()
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    page = client.get("/dashboard/?period=2026Q1&lang=en").get_data(as_text=True)
    export = client.get("/dashboard/export/townships.csv?period=2026Q1&lang=en").get_data(
        as_text=True
    )
    return {
        "county": straw_of(county),
        "township": straw_of(township),
        "villages": villages,
        "trend": [(p["numerator"], p["denominator"]) for p in trend["series"]],
        "page": page,
        "export": export,
    }


def seed_straw(app) -> int:
    with app.app_context():
        county_seed.seed()
        db.session.commit()
    inspector = add_user(app, "inspector", TOWNSHIP, "wang", PASSWORD)
    add_user(app, "county_admin", None, "admin", PASSWORD)
    with app.app_context():
        add_inspection(inspector, A, date(2026, 2, 1), 300, straw={
            "produced_t": 1000, "fertiliser_t": 500, "feed_t": 200,
        })  # fmt: skip
        add_inspection(inspector, B, date(2026, 2, 3), 200, straw={
            "produced_t": 500, "fertiliser_t": 100, "fuel_t": 300,
        })  # fmt: skip
        db.session.commit()
        quarter_summary.rebuild(db.session.connection())
        db.session.commit()
    return inspector


def test_a_changed_indicator_never_shows_the_summarys_old_numbers(apps, tmp_path):
    shipped = apps(forms_folder(tmp_path, "shipped"))
    seed_straw(shipped)
    with shipped.app_context():
        admin = db.session.scalar(db.select(User.id).where(User.username == "admin"))
        assert summary_freshness() == "current"
    before = read_everything(shipped, token_for(shipped, admin))
    assert before["county"] == before["township"] == (1100, 1500)
    assert before["villages"] == {A: (700, 1000), B: (400, 500)}
    assert before["trend"] == [(1100, 1500)]
    assert "73.3" in before["page"] and "1100" in before["export"]
    assert "rebuild-summary" not in before["page"]

    # The county edits forms/indicators.json and restarts: straw counts fertiliser only.
    changed = apps(forms_folder(tmp_path, "changed", straw_numerator=["straw.fertiliser_t"]))
    with changed.app_context():
        assert summary_freshness() == "stale"
    after = read_everything(changed, token_for(changed, admin))
    assert after["county"] == after["township"] == (600, 1500)
    assert after["villages"] == {A: (500, 1000), B: (100, 500)}
    assert after["trend"] == [(600, 1500)]
    assert "40.0" in after["page"] and "73.3" not in after["page"]
    assert "600" in after["export"] and "1100" not in after["export"]
    assert "flask --app wsgi rebuild-summary" in after["page"]  # the admin is told

    # After a rebuild the summary is read again, with the new definition's numbers.
    result = changed.test_cli_runner().invoke(args=["rebuild-summary"])
    assert result.exit_code == 0, result.output
    with changed.app_context():
        assert summary_freshness() == "current"
    rebuilt = read_everything(changed, token_for(changed, admin))
    assert rebuilt["county"] == rebuilt["township"] == (600, 1500)
    assert rebuilt["trend"] == [(600, 1500)]
    assert "rebuild-summary" not in rebuilt["page"] and "40.0" in rebuilt["page"]


def test_an_extra_section_and_indicator_need_no_code(apps, tmp_path):
    app = apps(forms_folder(tmp_path, "extra", extra=True))
    with app.app_context():
        county_seed.seed()
        db.session.commit()
    inspector = add_user(app, "inspector", TOWNSHIP, "wang", PASSWORD)
    add_user(app, "county_admin", None, "admin", PASSWORD)
    headers = token_for(app, inspector)
    client = app.test_client()

    # The form: its section is on the page, Chinese by default.
    client.post("/login", data={"username": "wang", "password": PASSWORD})
    # ?plain=1: the form with its body written in (otherwise in the form's data file)
    page = client.get(f"/inspect/{A}?plain=1").get_data(as_text=True)
    assert "卫生厕所户数" in page and 'name="sections.toilets.sanitary"' in page

    # The form post: 45 of 50 households.
    posted = client.post(
        f"/inspect/{B}",
        data={
            "client_uuid": "6f1c0d0a-1111-4222-8333-444455556666",
            "inspected_on": "2026-03-02",
            "households": "50",
            "sections.toilets.households_checked": "50",
            "sections.toilets.sanitary": "45",
        },
    )
    assert posted.status_code == 303, posted.get_data(as_text=True)

    # The API: its cross-field rule, in the caller's language, stores nothing; then 60 of 100.
    body = {
        "client_uuid": "3f1c0d0a-1111-4222-8333-444455556666",
        "village_code": A,
        "inspected_on": "2026-03-01",
        "households": 100,
        "sections": {"toilets": {"households_checked": 100, "sanitary": 101}},
    }
    refused = app.test_client().post("/api/v1/inspections", json=body, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {
        "sections.toilets.sanitary": ["Sanitary toilets cannot exceed the households checked (100)"]
    }
    body["sections"]["toilets"]["sanitary"] = 60
    stored = app.test_client().post("/api/v1/inspections", json=body, headers=headers)
    assert stored.status_code == 201, stored.get_json()

    # The roll-up: (60 + 45) / (100 + 50) = 70 % against the fixture's 85 %, but 2 of the
    # township's 11 villages reported: below the 80 % coverage threshold, so 数据不足.
    rolled = app.test_client().get(
        f"/api/v1/rollup?period=2026Q1&level=township&township={TOWNSHIP}", headers=headers
    )
    [township] = rolled.get_json()["units"]
    toilets = township["indicators"]["toilet_coverage"]
    assert (toilets["numerator"], toilets["denominator"]) == (105, 150)
    assert toilets["rate"] == pytest.approx(0.7) and toilets["target"] == pytest.approx(0.85)
    assert toilets["status"] == "insufficient_data"
    assert toilets["coverage"] == pytest.approx(2 / 11)

    # The export: the indicator's columns, each village's figures.
    admin = app.test_client()
    admin.post("/login", data={"username": "admin", "password": PASSWORD})
    csv = admin.get(
        f"/dashboard/export/villages.csv?period=2026Q1&township={TOWNSHIP}&lang=en"
    ).get_data(as_text=True)
    header, *rows = csv.lstrip("\ufeff").splitlines()
    assert "Sanitary toilet coverage" in header
    row_a = next(r for r in rows if r.startswith(A))
    row_b = next(r for r in rows if r.startswith(B))
    assert "60,100,60.0,85.0" in row_a and "45,50,90.0,85.0" in row_b
