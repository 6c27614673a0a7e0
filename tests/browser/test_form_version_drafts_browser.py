"""Issue 22 in a real Chromium at 360 px: what the phone holds when the county publishes a new
form version while it is offline.

film 2026.3 is shipped; the county publishes 2026.4 with a new REQUIRED question 回收袋数. Before
that, offline, the inspector saved one inspection (in the outbox, answered under 2026.3) and
began another (a draft). Back online:
- the saved one is sent as it was answered and stored ONCE under 2026.3 (2026.4 alone would
  refuse it for a question that did not exist when it was answered);
- the draft opens in 2026.4 with every answer kept and a message naming the new question; saved
  with it answered, it is stored under 2026.4.
"""

import pytest

from app.extensions import db
from app.formdefs import county_forms
from app.formdefs.registry import current_forms
from app.models import Answer, Inspection, Township, User
from tests.browser.conftest import PHONE
from tests.browser.offline_server import wait_until_offline_ready
from tests.browser_support import seeded_sqlite_app, serving
from tests.xlsform_helpers import NEW_QUESTION, add_question, edit, exported

pytestmark = pytest.mark.browser

INSPECTOR = ("li", "the inspector's long phrase")
TOWNSHIP = "140225101"
SAVED_VILLAGE, DRAFT_VILLAGE = "140225101205", "140225101200"
FILL = """([households, treated, used, recovered]) => {
  const form = document.getElementById('inspection-form');
  form.households.value = households;
  form.elements['sections.sewage.households_treated'].value = treated;
  form.elements['sections.sewage.treatment_mode'].value = 'septic_tank';
  form.querySelector("[name='sections.sewage.facility_running'][value='true']").checked = true;
  form.elements['sections.film.used_t'].value = used;
  form.elements['sections.film.recovered_t'].value = recovered;
  form.dispatchEvent(new Event('input', {bubbles: true}));
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = seeded_sqlite_app(tmp_path_factory.mktemp("versions"), "versions")
    with app.app_context():
        township = db.session.execute(
            db.select(Township).where(Township.code == TOWNSHIP)
        ).scalar_one()
        user = User(username=INSPECTOR[0], role="inspector", township=township)
        user.set_password(INSPECTOR[1])
        db.session.add(user)
        db.session.commit()
    with serving(app) as url:
        yield url, app


def publish_required_question(app):
    def change(book):
        add_question(book, "recovered_t", {**NEW_QUESTION, "required": "yes"})

    with app.test_request_context("/"):
        data = edit(exported("film"), change)
        outcome = county_forms.check_workbook(
            current_forms(), app.config["FORMS_DIR"], data, "film.xlsx", "film"
        )
        assert county_forms.publish(outcome, "county-admin") == "2026.4"
        db.session.commit()


def ready(page):
    page.wait_for_selector("[data-queue=ready]")


def stored(app):
    with app.app_context():
        rows = db.session.scalars(db.select(Inspection).order_by(Inspection.id)).all()
        bags = db.session.scalars(
            db.select(Answer.value_num).where(Answer.field == "bags_collected")
        ).all()
        return [(r.village.code, r.form_versions["film"]) for r in rows], bags


def test_a_saved_entry_keeps_its_version_and_a_draft_moves_over(server, chromium, screenshot):
    url, app = server
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(10_000)
    try:
        phone = context.new_page()
        phone.goto(f"{url}/login?next=/inspect/{SAVED_VILLAGE}")
        phone.fill("#username", INSPECTOR[0])
        phone.fill("#password", INSPECTOR[1])
        with phone.expect_navigation():
            phone.click("main button[type=submit]")
        ready(phone)
        wait_until_offline_ready(phone)

        context.set_offline(True)
        phone.reload()
        ready(phone)
        phone.evaluate(FILL, ["120", "30", "10", "4.5"])
        phone.evaluate("document.getElementById('inspection-form').requestSubmit()")
        phone.wait_for_url("**/inspect/")
        phone.wait_for_selector("#queue-saved")
        phone.goto(f"{url}/inspect/{DRAFT_VILLAGE}")  # begun, not saved: a draft
        ready(phone)
        phone.evaluate(FILL, ["80", "20", "6", "3"])
        phone.wait_for_timeout(800)  # the draft is saved 300 ms after the last keystroke

        publish_required_question(app)
        assert stored(app) == ([], [])

        context.set_offline(False)
        phone.goto(f"{url}/inspect/{SAVED_VILLAGE}")
        ready(phone)
        for _ in range(20):
            states = phone.eval_on_selector_all(
                "#queue-status li[data-uuid]", "els => els.map(e => e.getAttribute('data-status'))"
            )
            if states == ["sent"]:
                break
            phone.click("#send-now")
            phone.wait_for_timeout(300)
        assert states == ["sent"]
        assert stored(app) == ([(SAVED_VILLAGE, "2026.3")], [])

        phone.goto(f"{url}/inspect/{DRAFT_VILLAGE}")
        ready(phone)
        note = phone.locator("#draft-moved")
        note.wait_for()
        text = note.inner_text()
        assert text.startswith("表单已更新（农用薄膜 2026.3 → 2026.4）：这份草稿已按新版本打开，")
        assert text.endswith("已填的答案都保留。新增的问题：回收袋数")
        assert phone.input_value("[name='sections.film.used_t']") == "6"  # answers kept
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        screenshot(phone, "draft-moved-to-new-form-version-360px")
        phone.evaluate(
            "document.getElementById('inspection-form').elements"
            "['sections.film.bags_collected'].value = '12'"
        )
        phone.evaluate("document.getElementById('inspection-form').requestSubmit()")
        phone.wait_for_url("**/inspect/saved/*")
        assert stored(app) == ([(SAVED_VILLAGE, "2026.3"), (DRAFT_VILLAGE, "2026.4")], [12.0])
    finally:
        context.close()
