"""A reused photo on the review page at 360 px in a real Chromium: the photo and its original
side by side, nothing wider than the phone; the lead clears the flag with a reason (the browser
asks for one first) and the page then says who cleared it and why."""

import io
import uuid
from pathlib import Path

import pytest

from app.accounts.auth import issue_token
from app.extensions import db
from app.models import User
from bench import photo_corpus
from tests.browser.offline_server import CHROMIUM, serving

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]
HAICUN, XUCUN = "140225100216", "140225100218"
PASSWORD = "pw-field-2026"
PEOPLE = (("wang", "inspector", "140225100"), ("li", "township_lead", "140225100"))
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


def store_with_photo(app, headers, village, households, picture) -> int:
    client = app.test_client()
    body = {
        "client_uuid": str(uuid.uuid4()),
        "village_code": village,
        "inspected_on": "2026-11-20",
        "households": households,
        "sections": {
            "sewage": {
                "households_treated": 10,
                "treatment_mode": "septic_tank",
                "facility_running": True,
            }
        },
    }
    answer = client.post("/api/v1/inspections", json=body, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    sent = client.post(
        f"/api/v1/inspections/{body['client_uuid']}/photos",
        data={
            "client_photo_id": str(uuid.uuid4()),
            "section": "sewage",
            "photo": (io.BytesIO(picture), "p.jpg", "image/jpeg"),
        },
        headers=headers,
        content_type="multipart/form-data",
    )
    assert sent.status_code == 201
    return answer.get_json()["id"]


def test_a_lead_sees_the_reused_photo_beside_its_original_and_clears_it(chromium, tmp_path):
    picture = photo_corpus.jpeg(photo_corpus.scene(8))
    with serving(tmp_path, users=PEOPLE, password=PASSWORD) as (app, base):
        with app.app_context():
            wang = db.session.execute(db.select(User).where(User.username == "wang")).scalar_one()
            token, _row = issue_token(wang)
            db.session.commit()
        headers = {"Authorization": f"Bearer {token}"}
        store_with_photo(app, headers, HAICUN, 120, picture)
        reused = store_with_photo(
            app, headers, XUCUN, 90, photo_corpus.resized_recompressed(picture)
        )
        context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto(f"{base}/login?next=/review/{reused}")
        page.fill("#username", "li")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/review/{reused}")
        assert "照片曾提交过" in page.text_content("#flag-photo_reused")
        assert "海村村委会" in page.text_content("#flag-photo_reused .original")
        first, second = page.locator("#flag-photo_reused .pair figure").all()
        a, b = first.bounding_box(), second.bounding_box()
        assert abs(a["y"] - b["y"]) < 2 and a["x"] + a["width"] <= b["x"]  # side by side
        assert page.evaluate(NO_OVERFLOW)
        page.click("#flag-photo_reused button[type=submit]")  # no reason: the browser asks
        assert page.evaluate(
            "() => document.querySelector('#reason-photo_reused').validity.valueMissing"
        )
        page.fill("#reason-photo_reused", "两村共用一处公厕")
        page.click("#flag-photo_reused button[type=submit]")
        page.wait_for_url(f"{base}/review/{reused}")
        assert "两村共用一处公厕" in page.text_content("#flag-photo_reused .clear-reason")
        assert page.evaluate(NO_OVERFLOW)
        context.close()
