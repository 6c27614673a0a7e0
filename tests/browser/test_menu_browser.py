"""The menu and the pages' width on a 360 px phone, in a real Chromium (issue 20, findings 3,
12 and 16).

- An inspector finds 待办, 记录问题, 整改台账 and 修改密码 from their home by tapping (the only
  address typed is the site's own; the menu is a disclosure opened by a tap, never by hover).
- Every page of every role (the GET routes of app.url_map the policy lets the role use, with
  real ids from a seeded scenario) is no wider than the phone: scrollWidth ≤ 360.
- The inspector's home does not shift while the phone fills in its queue (CLS ≈ 0).
"""

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from werkzeug.routing import AnyConverter

from app.accounts.auth import issue_token
from app.accounts.policy import permitted
from app.extensions import db
from app.models import (
    County,
    Inspection,
    InspectionFlag,
    Problem,
    Site,
    Township,
    User,
    Village,
)
from tests.browser_support import CHROMIUM, seeded_sqlite_app, serving
from tests.problem_world import problem_body

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]
PASSWORD = "pw-field-2026"
TOWNSHIP, VILLAGE = "140225100", "140225100216"  # 永安镇, 海村
PEOPLE = {  # username → (role, township)
    "wang": ("inspector", TOWNSHIP),
    "li": ("township_lead", TOWNSHIP),
    "zhao": ("county_admin", None),
    "sun": ("viewer", None),
}
PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "zh-CN", "has_touch": True}
# GET routes that are not pages to look at: files, the worker, JSON, redirects.
NOT_PAGES = {
    "static",
    "web.health",
    "web.favicon",
    "web.login",
    "offline.manifest",
    "offline.service_worker",
    "dashboard.bulletin_pdf",
    "inspect.code_file",  # the form's scripts and data (app/views/inspect/form_assets.py)
    "inspect.shell_code_file",  # the offline shell's own script, likewise
    "inspect.data_file",
    "inspect.offline_data",  # the phone's offline data (JSON)
    "inspect.offline_shell",  # the blank form the service worker fills in
    "sites.offline_site_shell",  # a site kind's blank form, likewise (issue 23)
    "forms_admin.download",  # a workbook
}
# What each page must hold (WCAG 2.1.1 and the HTML rules axe and the validator check): every
# box that scrolls sideways can be reached by keyboard and is named; a required single select
# opens on an empty option; one <main>; an icon link.
PAGE_FAULTS = """() => {
  const faults = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX) || el.scrollWidth <= el.clientWidth) continue;
    const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (el.tabIndex < 0 || el.getAttribute('role') !== 'region' || !named)
      faults.push('scrolls without keyboard: ' + el.outerHTML.slice(0, 80));
  }
  for (const select of document.querySelectorAll('select[required]:not([multiple])')) {
    if (select.options.length && select.options[0].value !== '')
      faults.push('required select opens on a value: ' + select.name);
  }
  if (document.querySelectorAll('main').length !== 1) faults.push('main elements: ' +
    document.querySelectorAll('main').length);
  if (!document.querySelector('link[rel=icon]')) faults.push('no icon link');
  return faults;
}"""
LAYOUT_SHIFTS = """window.__shift = 0;
new PerformanceObserver(list => { for (const e of list.getEntries()) {
  if (!e.hadRecentInput) window.__shift += e.value; } })
  .observe({type: 'layout-shift', buffered: true});"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The county with one person of each role, an inspection (with a GPS flag) by wang and a
    problem in 海村; yields (app, base URL, ids for the routes' arguments)."""
    folder = tmp_path_factory.mktemp("menu")
    app = seeded_sqlite_app(folder, "menu", PHOTO_DIR=str(folder / "photos"))
    with app.app_context():
        township = db.session.execute(
            db.select(Township).where(Township.code == TOWNSHIP)
        ).scalar_one()
        for username, (role, in_township) in PEOPLE.items():
            user = User(username=username, role=role, display_name=f"{username}-名")
            user.township = township if in_township else None
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
        wang = db.session.execute(db.select(User).where(User.username == "wang")).scalar_one()
        token, _row = issue_token(wang)
        db.session.commit()
        wang_id = wang.id
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    body = {
        "client_uuid": str(uuid.uuid4()),
        "village_code": VILLAGE,
        "inspected_on": "2026-11-20",
        "households": 100,
        "sections": {
            "sewage": {
                "households_treated": 40,
                "treatment_mode": "septic_tank",
                "facility_running": True,
            }
        },
    }
    stored = client.post("/api/v1/inspections", json=body, headers=headers)
    assert stored.status_code == 201, stored.get_json()
    problem = client.post("/api/v1/problems", json=problem_body(VILLAGE), headers=headers)
    assert problem.status_code == 201, problem.get_json()
    with app.app_context():
        inspection = db.session.execute(db.select(Inspection)).scalar_one()
        db.session.add(
            InspectionFlag(
                inspection_id=inspection.id,
                kind="far_from_village",
                distance_m=17_400.0,
                limit_m=2000.0,
                created_at=datetime(2026, 11, 20, 3, tzinfo=UTC),
            )
        )
        village_id = db.session.execute(
            db.select(Village.id).where(Village.code == VILLAGE)
        ).scalar_one()
        db.session.add(  # a coal seller of the village, for the registers' pages (issue 23)
            Site(
                code="CS-MENU-1",
                kind="coal_seller",
                name="海村煤炭销售点",
                village_id=village_id,
                attributes={},
                created_at=datetime(2026, 11, 1, tzinfo=UTC),
                updated_at=datetime(2026, 11, 1, tzinfo=UTC),
            )
        )
        db.session.commit()
        ids = {
            "kind_key": "coal_seller",
            "site_code": "CS-MENU-1",
            "inspection_id": inspection.id,
            "village_code": VILLAGE,
            "problem_id": db.session.execute(db.select(Problem.id)).scalar_one(),
            "user_id": wang_id,
            "county": db.session.execute(db.select(County.code)).scalars().first(),
            "township": TOWNSHIP,
            "village": VILLAGE,
        }
    with serving(app) as base:
        yield app, base, ids


def sign_in(page, base, username):
    page.goto(base)  # the site's address; it leads to the sign-in page
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def tap_menu(page, label):
    page.locator("#site-menu summary").tap()
    page.locator("#site-menu").get_by_role("link", name=label, exact=True).tap()


def test_an_inspector_taps_to_every_task_from_home(chromium, site):
    _app, base, _ids = site
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, base, "wang")
    assert page.url == f"{base}/inspect/"
    home = page.url
    tasks = page.locator("#tasks")
    assert tasks.get_by_role("link", name="记录问题").is_visible()
    assert tasks.get_by_role("link", name="待办").is_visible()
    assert not page.locator("#site-menu ul").is_visible()  # closed until tapped
    for label, path, heading in (
        ("待办", "/todo", "待办"),
        ("记录问题", "/problems/new", None),
        ("整改台账", "/problems", None),
        ("修改密码", "/account/password", None),
    ):
        tap_menu(page, label)
        page.wait_for_url(f"{base}{path}")
        if heading:
            assert page.locator("h1").inner_text() == heading
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.locator("a.brand").tap()  # home again
        page.wait_for_url(home)
    # The day's tasks lead on by a tap too.
    page.locator("#task-todo").tap()
    page.wait_for_url(f"{base}/todo")
    context.close()


def test_the_inspectors_home_does_not_shift_while_the_queue_fills_in(chromium, site):
    _app, base, _ids = site
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, base, "wang")
    page.add_init_script(LAYOUT_SHIFTS)
    page.reload()
    page.wait_for_selector("#queue-status #send-now")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__shift") < 0.01
    context.close()


def urls_for(app, user, ids) -> list[str]:
    """Every GET page `user` may open, with real arguments."""
    out = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        if rule.rule.startswith("/api/") or "export" in rule.endpoint:
            continue
        if not permitted(user, app.view_functions[rule.endpoint].policy_action):
            continue
        values = {}
        for name in rule.arguments:
            if name == "code":
                kind = rule.endpoint.rsplit(".", 1)[-1]
                values[name] = ids.get(kind, ids["village"])
            elif isinstance(rule._converters[name], AnyConverter):
                values[name] = sorted(rule._converters[name].items)[0]
            else:
                values[name] = ids[name]
        out.append(rule.build(values, append_unknown=False)[1])
    return out


@pytest.mark.parametrize("username", sorted(PEOPLE))
def test_no_page_of_any_role_is_wider_than_the_phone(chromium, site, username):
    app, base, ids = site
    with app.app_context():
        user = db.session.execute(db.select(User).where(User.username == username)).scalar_one()
        urls = urls_for(app, user, ids)
        village = db.session.execute(db.select(Village).where(Village.code == VILLAGE)).scalar()
        assert village is not None
    assert len(urls) >= 5
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, base, username)
    not_found = []
    page.on("response", lambda r: r.status == 404 and not_found.append(r.url))
    too_wide, faults = {}, {}
    for url in urls:
        answer = page.goto(base + url)
        assert answer.status == 200, (username, url, answer.status)
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[url] = width
        found = page.evaluate(PAGE_FAULTS)
        if found:
            faults[url] = found
    context.close()
    assert too_wide == {}, username
    assert faults == {}, username
    assert not_found == [], username  # no missing icon (or anything else) on any page


CHOICE_BOXES = """() => Array.from(document.querySelectorAll(
    'main input[type=checkbox], main input[type=radio]')).map(box => {
  const own = box.getBoundingClientRect(), label = box.closest('label').getBoundingClientRect();
  return {name: box.name, width: own.width, labelHeight: label.height,
          inline: own.top >= label.top && own.bottom <= label.bottom && label.width > own.width};
})"""


def test_check_boxes_and_radios_are_normal_size_beside_their_label(chromium, site):
    _app, base, _ids = site
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, base, "zhao")
    seen = []
    for path in ("/admin/settings", "/admin/coefficients"):
        page.goto(base + path)
        seen += page.evaluate(CHOICE_BOXES)
    context.close()
    assert len(seen) >= 4
    for box in seen:
        assert 16 <= box["width"] <= 24, box  # not stretched across the screen
        assert box["inline"] and box["labelHeight"] <= 72, box  # on its label's line
