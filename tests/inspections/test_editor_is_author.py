"""Whoever changes an inspection's figures becomes one of its authors and cannot approve it
(issue 20, finding 5); the review page lists each revision with who made it, when (county
time) and what it changed.

The inspector enters 100 households, 40 treated; the county admin edits it to 75 treated and
130 households; the page gives the edit's time in the county's clock (UTC+8).
"""

import re
from datetime import UTC
from zoneinfo import ZoneInfo

from app.extensions import db
from app.models import Inspection
from tests.review_world import make_world, payload, sign_in


def _entered_then_edited_by_admin(seeded, make_user, auth_headers, lang="zh"):
    world = make_world(seeded, make_user)
    h = {k: auth_headers(v, lang=lang) for k, v in world.users.items()}
    client = seeded.test_client()
    body = payload(world.village, treated=40)
    created = client.post("/api/v1/inspections", json=body, headers=h["inspector"])
    assert created.status_code == 201
    inspection_id = created.get_json()["id"]
    edited = {**payload(world.village, treated=75, households=130), "base_revision": 1}
    edited["client_uuid"] = body["client_uuid"]
    answer = client.put(
        f"/api/v1/inspections/{inspection_id}", json=edited, headers=h["county_admin"]
    )
    assert answer.status_code == 200, answer.get_json()
    return world, h, client, inspection_id


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_api_refuses_the_editor_approving_and_says_why(seeded, make_user, auth_headers):
    world, h, client, inspection_id = _entered_then_edited_by_admin(seeded, make_user, auth_headers)
    url = f"/api/v1/inspections/{inspection_id}"
    refused = client.post(f"{url}/approve", headers=h["county_admin"])
    assert refused.status_code == 403
    error = refused.get_json()["error"]
    assert error["code"] == "own_inspection"
    assert error["message"] == "您修改过此检查的数据，是其作者之一，不能审核：请由其他审核人决定"
    with seeded.app_context():
        assert db.session.get(Inspection, inspection_id).status == "submitted"
    # The township's lead, who changed nothing, decides.
    assert client.post(f"{url}/approve", headers=h["township_lead"]).status_code == 200


def test_the_page_and_the_batch_refuse_the_editor(seeded, make_user, auth_headers):
    world, h, client, inspection_id = _entered_then_edited_by_admin(seeded, make_user, auth_headers)
    admin = sign_in(seeded, "admin")
    page = admin.get(f"/review/{inspection_id}").get_data(as_text=True)
    own = re.search(r'<p class="notice" id="own">(.*?)</p>', page, re.S).group(1)
    assert own == "您修改过此检查的数据，是其作者之一，请由其他审核人决定"
    assert "confirm-approve" not in page

    refused = admin.post(f"/review/{inspection_id}/approve", data={"revision": "2"})
    assert refused.status_code == 403
    assert own in refused.get_data(as_text=True)

    batch = admin.post(
        "/review/batch",
        data={"inspection": str(inspection_id), f"revision-{inspection_id}": "2"},
        follow_redirects=True,
    )
    assert "未批准（由您录入或修改，须由其他审核人决定）" in batch.get_data(as_text=True)
    with seeded.app_context():
        assert db.session.get(Inspection, inspection_id).status == "submitted"


def test_the_review_page_lists_each_revision_with_its_changes(seeded, make_user, auth_headers):
    world, h, client, inspection_id = _entered_then_edited_by_admin(seeded, make_user, auth_headers)
    lead = sign_in(seeded, "lead")
    page = lead.get(f"/review/{inspection_id}").get_data(as_text=True)
    first = _text(re.search(r'<li id="revision-1">(.*?)</li>', page, re.S).group(1))
    assert "第 1 版 · insp ·" in first and "录入" in first
    second = re.search(r'<li id="revision-2">(.*?)</ol>', page, re.S).group(1)
    with seeded.app_context():
        stored = db.session.get(Inspection, inspection_id).revisions[1].created_at
    county = stored.replace(tzinfo=stored.tzinfo or UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"第 2 版 · admin · {county:%Y-%m-%d %H:%M}" in _text(second)
    entered = _text(re.search(r'<p class="muted" id="entered">(.*?)</p>', page, re.S).group(1))
    # not only who entered it: who changed it last
    assert "insp 于" in entered and "录入" in entered and "修改人 admin" in entered
    changes = [_text(c).strip() for c in re.findall(r'<li class="change">(.*?)</li>', second)]
    assert changes == [
        "户数：100 户 → 130 户",
        "生活污水 · 污水得到处理的户数：40 户 → 75 户",
    ]
