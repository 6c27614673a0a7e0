"""The phone records when the form was opened and saved (issue 24): a new inspection saved from
the form in Chromium is stored with opened_at ≤ saved_at, both within the test's own run."""

import re
from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.models import Inspection, Village
from tests.browser.test_inspect_browser import by_id, sign_in, step_count

pytestmark = pytest.mark.browser


def test_a_new_inspection_carries_the_phones_opened_and_saved_times(live_server, phone):
    started = datetime.now(UTC)
    page = phone().page
    sign_in(page, live_server, "/inspect/")
    page.get_by_role("link", name=re.compile("小辛庄村委会")).click()
    page.wait_for_url(re.compile(r"/inspect/140225101203$"))
    page.wait_for_selector("[data-queue=ready]")  # the queue, not the plain post, saves it
    by_id(page, "households").fill("90")
    page.get_by_role("button", name="下一步").click()
    by_id(page, "sections.sewage.households_treated").fill("10")
    by_id(page, "sections.sewage.treatment_mode").select_option(label="村级污水处理站")
    by_id(page, "sections.sewage.facility_running-true").check()
    for _ in range(step_count(live_server) - 2):
        page.get_by_role("button", name="下一步").click()
    page.get_by_role("button", name="保存检查").click()
    page.wait_for_url(re.compile(r"/inspect/saved/\d+$"))
    with live_server.app.app_context():
        inspection = db.session.execute(
            db.select(Inspection).join(Village).where(Village.code == "140225101203")
        ).scalar_one()
        opened, saved = (
            t if t.tzinfo else t.replace(tzinfo=UTC)
            for t in (inspection.opened_at, inspection.saved_at)
        )
        db.session.remove()
    finished = datetime.now(UTC)
    assert started.replace(microsecond=0) <= opened <= saved <= finished
