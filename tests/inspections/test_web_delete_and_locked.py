"""Issue 20, finding 11: delete on the web for the roles that may (confirmed with a reason,
audited, soft); an approved inspection's edit page says it is approved, by whom, and who may
reopen it; the correction form shows the reviewer's return comment."""

import re

from app.extensions import db
from app.models import AuditEvent, Inspection
from tests.review_world import make_world, payload, sign_in


def _stored(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    h = {k: auth_headers(v) for k, v in world.users.items()}
    client = seeded.test_client()
    body = payload(world.village)
    created = client.post("/api/v1/inspections", json=body, headers=h["inspector"])
    assert created.status_code == 201
    return world, h, client, created.get_json()["id"]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_an_inspector_deletes_their_own_on_the_web_with_a_reason(seeded, make_user, auth_headers):
    world, h, client, inspection_id = _stored(seeded, make_user, auth_headers)
    url = f"/inspect/delete/{inspection_id}"
    assert sign_in(seeded, "insp2").get(url).status_code == 403  # a colleague's: not theirs
    assert sign_in(seeded, "insp_o").get(url).status_code == 404  # another township's
    assert sign_in(seeded, "viewer").get(url).status_code == 403
    inspector = sign_in(seeded, "insp")
    page = inspector.get(url)
    assert page.status_code == 200 and 'id="confirm-delete"' in page.get_data(as_text=True)
    refused = inspector.post(url, data={"reason": "  "})
    assert refused.status_code == 422
    assert "请填写删除原因（最多 500 字）" in refused.get_data(as_text=True)
    done = inspector.post(url, data={"reason": "录错了村庄"})
    assert (done.status_code, done.headers["Location"]) == (303, "/inspect/mine")
    with seeded.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        assert inspection.deleted_at is not None and inspection.delete_reason == "录错了村庄"
        events = (
            db.session.execute(
                db.select(AuditEvent).where(AuditEvent.action == "inspection.delete")
            )
            .scalars()
            .all()
        )
        assert len(events) == 1


def test_a_lead_may_delete_but_not_an_approved_one(seeded, make_user, auth_headers):
    world, h, client, inspection_id = _stored(seeded, make_user, auth_headers)
    lead = sign_in(seeded, "lead")
    review = lead.get(f"/review/{inspection_id}").get_data(as_text=True)
    assert f'href="/inspect/delete/{inspection_id}"' in review
    assert (
        client.post(
            f"/api/v1/inspections/{inspection_id}/approve", headers=h["township_lead"]
        ).status_code
        == 200
    )
    page = lead.get(f"/inspect/delete/{inspection_id}")
    assert page.status_code == 409
    assert "此检查已批准并锁定：须由县级管理员重新打开后才能删除。" in page.get_data(as_text=True)
    refused = lead.post(f"/inspect/delete/{inspection_id}", data={"reason": "重复"})
    assert refused.status_code == 409
    with seeded.app_context():
        assert db.session.get(Inspection, inspection_id).deleted_at is None


def test_an_approved_inspections_edit_page_says_who_approved_and_who_may_reopen(
    seeded, make_user, auth_headers
):
    world, h, client, inspection_id = _stored(seeded, make_user, auth_headers)
    url = f"/api/v1/inspections/{inspection_id}/approve"
    assert client.post(url, headers=h["township_lead"]).status_code == 200
    page = sign_in(seeded, "insp").get(f"/inspect/edit/{inspection_id}")
    assert page.status_code == 409
    text = _text(page.get_data(as_text=True))
    assert "无法处理此请求" not in text
    assert re.search(r"此检查已由 lead 于 \d{4}-\d\d-\d\d \d\d:\d\d 批准并锁定", text)
    assert "如需更正，请县级管理员重新打开" in text
    admin = sign_in(seeded, "admin").get(f"/inspect/edit/{inspection_id}").get_data(as_text=True)
    assert f'href="/review/{inspection_id}"' in admin  # the one who may reopen is led there


def test_the_correction_form_shows_the_return_comment(seeded, make_user, auth_headers):
    world, h, client, inspection_id = _stored(seeded, make_user, auth_headers)
    returned = client.post(
        f"/api/v1/inspections/{inspection_id}/return",
        json={"comment": "污水处理户数请再核实"},
        headers=h["township_lead"],
    )
    assert returned.status_code == 200
    page = sign_in(seeded, "insp").get(f"/inspect/edit/{inspection_id}").get_data(as_text=True)
    comment = re.search(r'<p class="comment" id="return-comment">(.*?)</p>', page, re.S).group(1)
    assert comment == "审核意见：污水处理户数请再核实"
