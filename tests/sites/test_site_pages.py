"""The sites' pages (issue 23): the registers, a site's page with its history, the simple
inspection form, the 待办 page listing the sellers due this month, and an import's refused rows
named on the page — in Chinese by default, nothing stored on a refusal."""

import io

import pytest

from app.extensions import db
from app.models import SiteInspection
from tests.api_payloads import DATABASES, clear_activity, seeded_module_app
from tests.factories import add_user
from tests.review_world import session_id
from tests.sites.world import OTHER_VILLAGE, OWN_VILLAGE, add_sites, headers

INSPECTOR_TOWNSHIP = "140225101"


@pytest.fixture(scope="module", params=DATABASES)
def county(request, tmp_path_factory):
    yield from seeded_module_app(request, tmp_path_factory)


@pytest.fixture(autouse=True)
def fresh(county):
    clear_activity(county)


def browser(app, role, township=None):
    if role in ("inspector", "township_lead"):
        township = township or INSPECTOR_TOWNSHIP
    user_id = add_user(app, role, township)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = session_id(app, user_id), True
    return client


@pytest.fixture
def sellers(county):
    admin = headers(county, "county_admin")
    add_sites(
        county.test_client(),
        admin,
        "coal_seller",
        [("CS-1", OWN_VILLAGE, {}), ("CS-2", OTHER_VILLAGE, {})],
    )


def test_the_inspector_sees_the_seller_due_and_records_a_sample(county, sellers):
    inspector = browser(county, "inspector")
    todo = inspector.get("/todo").get_data(as_text=True)
    assert "本月应抽检的场所" in todo and 'id="due-CS-1"' in todo
    assert "CS-2" not in todo  # another township's
    assert "2026-11-25" in todo  # due by the 25th
    form = inspector.get("/site/CS-1/inspect")
    assert form.status_code == 200
    assert "是否抽取煤样" in form.get_data(as_text=True)
    refused = inspector.post(
        "/site/CS-1/inspect", data={"inspected_on": "2026-11-27", "sample_taken": "yes"}
    )
    assert refused.status_code == 422
    assert "为必填项" in refused.get_data(as_text=True)
    saved = inspector.post(
        "/site/CS-1/inspect",
        data={"inspected_on": "2026-11-27", "sample_taken": "yes", "sample_passed": "yes"},
    )
    assert saved.status_code == 302
    with county.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(SiteInspection)) == 1
    assert 'id="due-CS-1"' not in inspector.get("/todo").get_data(as_text=True)
    page = inspector.get("/site/CS-1").get_data(as_text=True)
    assert "2026-11-27" in page and "是否抽取煤样: 是" in page
    assert inspector.get("/site/CS-2").status_code == 404
    assert inspector.get("/site/CS-2/inspect").status_code == 404


def test_registers_and_the_plan_for_the_county_admin(county, sellers):
    admin = browser(county, "county_admin")
    assert 'href="/sites"' in admin.get("/").get_data(as_text=True)  # on the home menu
    assert "民用散煤销售点" in admin.get("/sites").get_data(as_text=True)
    register = admin.get("/sites/coal_seller").get_data(as_text=True)
    assert 'id="site-CS-1"' in register and 'id="site-CS-2"' in register
    plan = admin.get("/sampling/coal_seller?month=2026-11").get_data(as_text=True)
    assert 'id="planned-CS-1"' in plan and 'id="planned-CS-2"' in plan
    closed = admin.post("/site/CS-2/close", data={"closed_on": "2026-11-01", "reason": "拆除"})
    assert closed.status_code == 302
    assert "拆除" in admin.get("/site/CS-2").get_data(as_text=True)
    assert browser(county, "viewer").get("/sites").status_code == 403
    assert browser(county, "inspector").post("/site/CS-1/close", data={}).status_code == 403


def test_an_import_names_its_refused_rows_on_the_page(county):
    admin = browser(county, "county_admin")
    body = f"code,name,village_code\nCS-1,甲,{OWN_VILLAGE}\nCS-2,乙,\n".encode()
    answer = admin.post(
        "/sites/coal_seller/import",
        data={"file": (io.BytesIO(body), "r.csv")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422
    text = answer.get_data(as_text=True)
    assert "第 3 行" in text and "缺少村代码" in text
    assert 'id="site-CS-1"' not in text  # nothing half-imported
