"""The inspection form in a real headless Chromium at 360×740, against the live app: sign in,
choose a village, fill in sections one screen at a time, submit with an error, read it in Chinese
beside its field, fix it, submit, see the saved page, and find exactly one inspection with the
right answers in the database. The same without JavaScript. No request may leave the app."""

import re

import pytest

from app.extensions import db
from app.formdefs import load_forms
from app.formdefs.registry import current_forms
from app.models import Answer, Inspection, Village
from tests.browser.offline_server import wait_until_offline_ready
from tests.paths import FORMS

pytestmark = pytest.mark.browser


def by_id(page, element_id):
    return page.locator(f'[id="{element_id}"]')  # ids hold dots: sections.straw.produced_t


# the profile, one step per section, then the finish step
STEPS = len(load_forms(FORMS).forms) + 1
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'a, button, input:not([type=hidden]):not([type=radio]), select, textarea, label.choice'))
  .map(e => [e, e.getBoundingClientRect()])
  .filter(([e, r]) => r.width > 0 && r.right > 0 && r.height < 44)
  .map(([e, r]) => `${e.tagName}#${e.id || e.textContent.trim()} ${Math.round(r.height)}px`)"""


def small_targets(page):
    """Visible tap targets under 44 px high (radios count by their label, which is the target)."""
    return page.evaluate(SMALL_TARGETS)


def step_count(live_server) -> int:
    """The profile, one step per section the loaded forms define, and the last step."""
    with live_server.app.app_context():
        return len(current_forms().form_set.sections) + 2


def sign_in(page, live_server, landing):
    page.goto(f"{live_server.url}{landing}")
    assert "/login?next=" in page.url  # anonymous: sent to sign in, then back
    page.get_by_label("用户名").fill(live_server.inspector[0])
    page.get_by_label("密码").fill(live_server.inspector[1])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}{landing}")


def stored(live_server, village_code):
    """The village's inspections, each as {(section, field): value}."""
    with live_server.app.app_context():
        rows = db.session.execute(
            db.select(Inspection).join(Village).where(Village.code == village_code)
        ).scalars()
        found = [
            {
                (a.section, a.field): a.value_num if a.value_text is None else a.value_text
                for a in db.session.execute(
                    db.select(Answer).where(Answer.inspection_id == i.id)
                ).scalars()
            }
            for i in rows
        ]
        db.session.remove()
    return found


def test_form_one_section_a_screen_with_an_error_fixed(live_server, phone, screenshot):
    phone_page = phone()
    page = phone_page.page
    page.goto(f"{live_server.url}/login")
    screenshot(page, "login")
    assert small_targets(page) == []
    sign_in(page, live_server, "/inspect/")

    # 西坊城镇 has 11 villages; 蔡村镇's are not offered.
    assert page.locator("ul.villages a").count() == 11
    screenshot(page, "choose")
    assert small_targets(page) == []
    assert page.get_by_text("蔡村村委会").count() == 0
    page.get_by_role("link", name=re.compile("涧村村委会")).click()
    page.wait_for_url(re.compile(r"/inspect/140225101201$"))

    steps = page.locator("section.step")
    assert steps.count() == STEPS
    assert page.locator("section.step:visible").count() == 1  # one section a screen
    assert page.get_by_text(f"第 1 步，共 {STEPS} 步").is_visible()
    by_id(page, "households").fill("250")
    by_id(page, "households").press("Enter")  # the phone's "Go" key moves on, sends nothing
    assert page.get_by_role("heading", name="生活污水").is_visible()
    assert "/inspect/140225101201" in page.url and by_id(page, "households").is_hidden()

    by_id(page, "sections.sewage.households_treated").fill("100")
    by_id(page, "sections.sewage.treatment_mode").select_option(label="村级污水处理站")
    by_id(page, "sections.sewage.facility_running-true").check()
    screenshot(page, "form-360px")
    assert small_targets(page) == []
    page.get_by_role("button", name="下一步").click()
    assert page.get_by_role("heading", name="畜禽粪污").is_visible()
    page.get_by_role("button", name="下一步").click()  # manure not inspected: left blank
    by_id(page, "sections.straw.produced_t").fill("100")
    by_id(page, "sections.straw.fertiliser_t").fill("80")
    by_id(page, "sections.straw.feed_t").fill("30")  # 80 + 30 = 110 t > 100 t produced
    for _ in range(STEPS - 4):  # film, heating, …, then the last step
        page.get_by_role("button", name="下一步").click()
    assert page.get_by_role("button", name="下一步").count() == 0
    page.get_by_label("备注", exact=True).fill("村东沟渠已清理")
    page.get_by_role("button", name="保存检查").click()

    # The error, in Chinese, beside its field, on the straw screen that opens by itself.
    page.wait_for_selector("#error-summary")
    error = page.locator('[id="field-sections.straw.fertiliser_t"] .field-error')
    assert error.inner_text() == "五种利用途径与直接还田合计不能超过可收集量（100 吨）"
    assert error.is_visible()
    assert page.get_by_role("heading", name="农作物秸秆").is_visible()
    fertiliser = by_id(page, "sections.straw.fertiliser_t")
    assert fertiliser.get_attribute("aria-invalid") == "true"
    assert "sections.straw.fertiliser_t-error" in fertiliser.get_attribute("aria-describedby")
    assert by_id(page, "sections.straw.feed_t").input_value() == "30"  # typed values kept
    assert by_id(page, "households").input_value() == "250"
    screenshot(page, "form-error")
    assert small_targets(page) == []
    assert stored(live_server, "140225101201") == []

    by_id(page, "sections.straw.feed_t").fill("20")
    for _ in range(STEPS - 4):
        page.get_by_role("button", name="下一步").click()
    page.get_by_role("button", name="保存检查").click()

    page.wait_for_url(re.compile(r"/inspect/saved/\d+$"))
    assert page.get_by_role("heading", name="检查已保存").is_visible()
    assert page.locator("#answer-sewage-treatment_mode").inner_text() == "村级污水处理站"
    assert page.locator("#answer-sewage-facility_running").inner_text() == "是"
    assert page.locator("#answer-straw-feed_t").inner_text() == "20 吨"
    assert page.locator("#answer-profile-households").inner_text() == "250 户"
    screenshot(page, "saved-full")

    assert stored(live_server, "140225101201") == [
        {
            ("profile", "households"): 250,
            ("sewage", "households_treated"): 100,
            ("sewage", "treatment_mode"): "village_station",
            ("sewage", "facility_running"): 1,
            ("straw", "produced_t"): 100,
            ("straw", "fertiliser_t"): 80,
            ("straw", "feed_t"): 20,
        }
    ]
    assert phone_page.requested and phone_page.offsite(live_server.url) == []


def test_form_works_without_javascript(live_server, phone, screenshot):
    phone_page = phone(java_script_enabled=False)
    page = phone_page.page
    sign_in(page, live_server, "/inspect/")
    page.get_by_role("link", name=re.compile("义家寨村委会")).click()
    # The page of a new inspection has its body in the form's data file, which needs JavaScript:
    # without it, the page sends the phone to the same form with its body written in.
    page.wait_for_url(re.compile(r"/inspect/140225101202\?plain=1$"))

    # Every section on one page, no step buttons.
    assert page.locator("section.step:visible").count() == STEPS
    assert page.get_by_role("button", name="下一步").count() == 0
    by_id(page, "households").fill("80")
    by_id(page, "sections.sewage.households_treated").fill("90")  # more than the 80 households
    by_id(page, "sections.sewage.treatment_mode").select_option(label="纳入城镇管网")
    by_id(page, "sections.sewage.facility_running-false").check()
    by_id(page, "sections.film.used_t").fill("12.5")
    by_id(page, "sections.film.recovered_t").fill("5")
    page.get_by_role("button", name="保存检查").click()

    page.wait_for_selector("#error-summary")
    error = page.locator('[id="field-sections.sewage.households_treated"] .field-error')
    assert error.inner_text() == "污水处理户数不能超过本村户数（80）"
    assert by_id(page, "sections.film.used_t").input_value() == "12.5"
    assert by_id(page, "sections.sewage.facility_running-false").is_checked()
    screenshot(page, "nojs-error-full")
    assert stored(live_server, "140225101202") == []

    by_id(page, "sections.sewage.households_treated").fill("60")
    page.get_by_role("button", name="保存检查").click()
    page.wait_for_url(re.compile(r"/inspect/saved/\d+$"))
    assert page.locator("#answer-sewage-facility_running").inner_text() == "否"
    assert page.locator("#answer-film-used_t").inner_text() == "12.5 吨 实测"  # as entered

    assert stored(live_server, "140225101202") == [
        {
            ("profile", "households"): 80,
            ("sewage", "households_treated"): 60,
            ("sewage", "treatment_mode"): "pipe_network",
            ("sewage", "facility_running"): 0,
            ("film", "used_t"): 12.5,
            ("film", "recovered_t"): 5,
        }
    ]
    assert phone_page.offsite(live_server.url) == []


def test_a_repeat_visit_fetches_only_the_page(live_server, phone):
    phone_page = phone()
    page = phone_page.page
    sign_in(page, live_server, "/inspect/")
    page.goto(f"{live_server.url}/inspect/140225101203")
    assert page.locator("section.step:visible").count() == 1
    # A later visit (a link followed, not a forced reload): the server is asked for the page
    # only; the CSS and JS come from the phone's cache (Cache-Control max-age, content hash).
    # The service worker (offline use) caches the form and the village list in the background
    # on the first visit; let it finish so its requests are not counted as the repeat visit's.
    wait_until_offline_ready(page)
    page.goto(f"{live_server.url}/inspect/")
    del live_server.served[:]
    page.goto(f"{live_server.url}/inspect/140225101203")
    assert page.locator("section.step:visible").count() == 1  # the cached script ran
    # The page itself, and no CSS or JS. (The service worker may still be finishing its
    # first-visit caching of the village list and pages in the background, and Chromium may
    # fetch the manifest's icon to judge installability: those are not the page's cost.)
    page_loads = [p for p in live_server.served if p == "/inspect/140225101203"]
    assets = [p for p in live_server.served if p.startswith("/static/") and "/icons/" not in p]
    assert page_loads == ["/inspect/140225101203"] and assets == []
    assert phone_page.offsite(live_server.url) == []
