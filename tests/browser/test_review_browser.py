"""Reviewing at 360 px in a real Chromium: the queue marks the inspection with a large jump and
offers the clean one for the batch; the evidence page shows the rates and opens a photo full
size; approving asks for a confirmation and says what was done; a batch approves the clean one;
returning needs a comment. Nothing on these pages is wider than the phone."""

import io
import uuid
from pathlib import Path

import pytest
from PIL import Image

from app.accounts.auth import issue_token
from app.extensions import db
from app.models import Inspection, User
from tests.browser.offline_server import CHROMIUM, serving

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]
HAICUN, XUCUN = "140225100216", "140225100218"
PASSWORD = "pw-field-2026"
PEOPLE = (("wang", "inspector", "140225100"), ("li", "township_lead", "140225100"))
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


def store(app, headers, village, day, treated, photo=False) -> int:
    client = app.test_client()
    body = {
        "client_uuid": str(uuid.uuid4()),
        "village_code": village,
        "inspected_on": day,
        "households": 100,
        "sections": {
            "sewage": {
                "households_treated": treated,
                "treatment_mode": "septic_tank",
                "facility_running": True,
            }
        },
    }
    answer = client.post("/api/v1/inspections", json=body, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    if photo:
        out = io.BytesIO()
        Image.new("RGB", (800, 600), (10, 120, 200)).save(out, "JPEG")
        sent = client.post(
            f"/api/v1/inspections/{body['client_uuid']}/photos",
            data={
                "client_photo_id": str(uuid.uuid4()),
                "section": "sewage",
                "photo": (io.BytesIO(out.getvalue()), "p.jpg", "image/jpeg"),
            },
            headers=headers,
            content_type="multipart/form-data",
        )
        assert sent.status_code == 201
    return answer.get_json()["id"]


def test_a_lead_reviews_with_the_evidence(chromium, tmp_path):
    with serving(tmp_path, users=PEOPLE, password=PASSWORD) as (app, base):
        with app.app_context():
            wang = db.session.execute(db.select(User).where(User.username == "wang")).scalar_one()
            token, _row = issue_token(wang)
            db.session.commit()
        headers = {"Authorization": f"Bearer {token}"}
        store(app, headers, HAICUN, "2026-08-10", 40)
        jump = store(app, headers, HAICUN, "2026-11-20", 80, photo=True)  # 40 % → 80 %
        clean = store(app, headers, XUCUN, "2026-11-20", 50)
        to_return = store(app, headers, XUCUN, "2026-11-21", 55)
        context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto(f"{base}/login?next=/review")
        page.fill("#username", "li")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/review")
        assert page.evaluate(NO_OVERFLOW)
        assert "变化过大" in page.text_content(f"#inspection-{jump}")
        assert page.locator(f"input[name=inspection][value='{jump}']").count() == 0

        page.click(f"#inspection-{jump} h2 a")
        assert page.evaluate(NO_OVERFLOW)
        cells = page.locator("#rate-sewage_treatment td").all_text_contents()
        assert [c.split()[0] for c in cells] == ["80.0%", "—", "40.0%", "+40.0"]
        with context.expect_page() as opened:
            page.click("#photos a.thumb")
        full = opened.value
        full.wait_for_load_state()
        assert "/api/v1/photos/" in full.url
        full.close()
        assert not page.is_visible("#confirm-approve")  # a second step confirms
        page.click("details.confirm summary")
        page.click("#confirm-approve")
        page.wait_for_url(f"{base}/review")
        assert page.text_content("[role=status]") == "已通过: 海村村委会 2026-11-20"

        page.check(f"input[name=inspection][value='{clean}']")
        page.click("details.confirm summary")
        page.click("#confirm-batch")
        page.wait_for_url(f"{base}/review")
        assert page.text_content("[role=status]") == "已通过 1 份检查"

        page.click(f"#inspection-{to_return} h2 a")
        page.click("#return")  # no comment: the form says so
        assert page.evaluate("() => document.querySelector('#comment').validity.valueMissing")
        page.fill("#comment", "户数与台账不符")
        page.click("#return")
        page.wait_for_url(f"{base}/review")
        assert page.text_content("[role=status]") == "已退回检查员: 许村村委会 2026-11-21"
        with app.app_context():
            statuses = [db.session.get(Inspection, i).status for i in (jump, clean, to_return)]
            comment = db.session.get(Inspection, to_return).review_comment
        assert (statuses, comment) == (["approved", "approved", "returned"], "户数与台账不符")
        assert page.locator("section.review").count() == 1  # the August one still waits
        context.close()
