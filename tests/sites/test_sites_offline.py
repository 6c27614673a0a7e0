"""Sites on the phone (issue 23): the offline data lists every open site in the inspector's scope
with the day its month's sample is due (drawn now if nobody had asked), and names the site
forms' shells; a shell is the kind's form with no site in it; the village list shows each
village's sites and what is due. A sampled site is no longer due. On SQLite and PostgreSQL."""

import uuid
from datetime import UTC, date, datetime

import pytest

from app.clock import utc_now
from app.extensions import db
from app.models import SamplingDraw, Site, SiteInspection, User, Village

XIFANGCHENG = "140225101"  # 西坊城镇
OWN, OWN_2, OTHER_TOWNSHIP_VILLAGE = "140225101201", "140225101202", "140225100216"
# 2026-12-10 noon in the county; the coal sellers' samples are due on the 25th (forms/sites)
NOON = datetime(2026, 12, 10, 4, 0, tzinfo=UTC)


@pytest.fixture
def county(seeded):
    seeded.config["CLOCK"] = lambda: NOON
    return seeded


def sign_in(client, make_user, role="inspector", township=XIFANGCHENG, username="wang"):
    make_user(role, township=township, username=username, password="pw-field-2026")
    answer = client.post("/login", data={"username": username, "password": "pw-field-2026"})
    assert answer.status_code == 302


def add_site(app, code, village_code, kind="coal_seller", status="open"):
    with app.app_context():
        village = db.session.execute(
            db.select(Village).where(Village.code == village_code)
        ).scalar_one()
        now = utc_now()
        db.session.add(
            Site(
                code=code,
                kind=kind,
                name=f"{code}号",
                village_id=village.id,
                attributes={},
                status=status,
                closed_on=None if status == "open" else date(2026, 11, 1),
                created_at=now,
                updated_at=now,
            )
        )
        db.session.commit()


def sample(app, code, username="wang", taken=True, on=date(2026, 12, 3)):
    with app.app_context():
        site = db.session.execute(db.select(Site).where(Site.code == code)).scalar_one()
        user = db.session.execute(db.select(User).where(User.username == username)).scalar_one()
        db.session.add(
            SiteInspection(
                client_uuid=str(uuid.uuid4()),
                site_id=site.id,
                inspector_id=user.id,
                inspected_on=on,
                answers={"sample_taken": taken, "sample_passed": True} if taken else {},
                form_version="2026.1",
                content_hash=uuid.uuid4().hex,
                status="submitted",
                created_at=utc_now(),
                updated_at=utc_now(),
            )
        )
        db.session.commit()


def drawn(app) -> set[str]:
    with app.app_context():
        rows = db.session.execute(
            db.select(Site.code).join(SamplingDraw.site).where(SamplingDraw.month == "2026-12")
        )
        return set(rows.scalars())


def test_offline_data_lists_the_sites_in_scope_with_what_is_due(county, client, make_user):
    sign_in(client, make_user)
    for n in range(1, 6):  # five sellers in 西坊城镇: ⌈20 % of 5⌉ = 1 drawn in December…
        add_site(county, f"CS-{n}", OWN if n < 4 else OWN_2)
    add_site(county, "CS-9", OTHER_TOWNSHIP_VILLAGE)  # another township's
    add_site(county, "CS-8", OWN, status="closed")  # closed: not inspected any more
    add_site(county, "SF-1", OWN, kind="scale_farm")  # a farm: no monthly draw
    data = client.get("/inspect/offline-data").get_json()
    sites = {s["code"]: s for s in data["sites"]}
    assert sorted(sites) == ["CS-1", "CS-2", "CS-3", "CS-4", "CS-5", "SF-1"]
    # …but in December every seller not yet sampled this year is due (none was): all five.
    assert drawn(county) >= {"CS-1", "CS-2", "CS-3", "CS-4", "CS-5"}
    due = {code for code, s in sites.items() if s["due_on"]}
    assert due == {"CS-1", "CS-2", "CS-3", "CS-4", "CS-5"}
    assert sites["CS-4"] == {
        "code": "CS-4",
        "name": "CS-4号",
        "kind": "coal_seller",
        "village_code": OWN_2,
        "village": sites["CS-4"]["village"],
        "township": "西坊城镇",
        "due_on": "2026-12-25",
    }
    assert sites["SF-1"]["due_on"] is None
    # One shell per kind, named by its version; the shell is the kind's form with no site.
    assert sorted(data["site_shells"]) == ["coal_seller", "scale_farm", "sewage_station"]
    shell = client.get(data["site_shells"]["coal_seller"])
    assert shell.status_code == 200
    assert shell.headers["Cache-Control"] == "private, max-age=86400"
    html = shell.get_data(as_text=True)
    assert '<script type="application/json" id="offline-target"></script>' in html
    assert 'id="site-inspection-form" data-kind="coal_seller">' in html
    assert 'name="sample_taken" data-type="boolean" required' in html
    assert "site-queue.js" in html
    old = client.get("/site/shell/coal_seller/0000000000000000")
    assert old.status_code == 200 and old.headers["Cache-Control"] == "no-cache"
    assert client.get("/site/shell/no_such_kind/x").status_code == 404


def test_a_sampled_site_is_no_longer_due_and_the_etag_follows(county, client, make_user):
    sign_in(client, make_user)
    add_site(county, "CS-1", OWN)
    first = client.get("/inspect/offline-data")
    assert [s["due_on"] for s in first.get_json()["sites"]] == ["2026-12-25"]
    etag = first.headers["ETag"]
    assert client.get("/inspect/offline-data", headers={"If-None-Match": etag}).status_code == 304
    sample(county, "CS-1", taken=False)  # visited, no sample taken: still due
    again = client.get("/inspect/offline-data", headers={"If-None-Match": etag})
    assert again.status_code == 304
    sample(county, "CS-1")
    after = client.get("/inspect/offline-data", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.get_json()["sites"][0]["due_on"] is None


def test_the_village_list_shows_each_villages_sites_and_what_is_due(county, client, make_user):
    sign_in(client, make_user)
    add_site(county, "CS-1", OWN)
    add_site(county, "SF-1", OWN, kind="scale_farm")
    add_site(county, "CS-9", OTHER_TOWNSHIP_VILLAGE)
    client.get("/todo")  # the 待办 page draws the month
    html = client.get("/inspect/").get_data(as_text=True)
    assert '<li data-site="CS-1"><a href="/site/CS-1/inspect">民用散煤销售点 · CS-1号</a>' in html
    assert 'data-due="2026-12-25">本月应抽检，截止 2026-12-25</span>' in html
    assert '<li data-site="SF-1"><a href="/site/SF-1/inspect">规模养殖场 · SF-1号</a></li>' in html
    assert "CS-9" not in html
    sample(county, "CS-1")
    assert "data-due=" not in client.get("/inspect/").get_data(as_text=True)


def test_a_lead_gets_no_site_shell(county, client, make_user):
    sign_in(client, make_user, role="township_lead", username="lead")
    assert client.get("/site/shell/coal_seller/x").status_code == 403
