"""The review page shows what is being approved, worked by hand.

The village's previous inspection (2026-08-10): 100 households, 40 treated → sewage 40.0 %;
manure 7.5 of 10 t → 75.0 %. This one (2026-11-20): 75 treated → 75.0 % (+35.0 points: a large
jump, ≥ 30); manure 75.0 % (+0.0) against the 2025 target of 80 % (near). A GPS flag 5,234 m from
the village (limit 2,000 m). The batch approves only what has no flag and no large jump.
"""

import io
import re
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from app.extensions import db
from app.models import AuditEvent, Inspection, InspectionFlag
from app.rollups.review_evidence import LARGE_JUMP_POINTS
from tests.offline_helpers import jpeg_bytes
from tests.review_world import make_world, payload, sign_in


def _post(client, headers, village, inspected_on="2026-11-20", **kwargs):
    body = payload(village, **kwargs)
    body["inspected_on"] = inspected_on
    answer = client.post("/api/v1/inspections", json=body, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def _flag(app, inspection_id, distance=5234.0):
    with app.app_context():
        db.session.add(
            InspectionFlag(
                inspection_id=inspection_id,
                kind="far_from_village",
                distance_m=distance,
                limit_m=2000.0,
                created_at=datetime(2026, 11, 20, 3, tzinfo=UTC),
            )
        )
        db.session.commit()


def _setup(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    h = {k: auth_headers(v, lang="en") for k, v in world.users.items()}
    client = seeded.test_client()
    previous = _post(client, h["inspector"], world.village, "2026-08-10", treated=40)
    client.post(f"/api/v1/inspections/{previous['id']}/approve", headers=h["township_lead"])
    return world, h, client


def _row(page: str, key: str) -> list[str]:
    row = re.search(rf'<tr id="rate-{key}"[^>]*>(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip() for c in cells]


def test_the_page_shows_answers_rates_jumps_photos_gps_and_who(seeded, make_user, auth_headers):
    world, h, client = _setup(seeded, make_user, auth_headers)
    doc = _post(client, h["inspector"], world.village, treated=75)
    _flag(seeded, doc["id"])
    upload = client.post(
        f"/api/v1/inspections/{doc['client_uuid']}/photos",
        data={
            "client_photo_id": str(uuid.uuid4()),
            "section": "sewage",
            "photo": (io.BytesIO(jpeg_bytes()), "p.jpg", "image/jpeg"),
        },
        headers=h["inspector"],
        content_type="multipart/form-data",
    )
    photo_url = upload.get_json()["url"]
    lead = sign_in(seeded, "lead")
    page = lead.get(f"/review/{doc['id']}").get_data(as_text=True)
    assert 'id="answer-profile-households">100 户' in page  # units from the form definitions
    assert 'id="answer-sewage-households_treated">75 户' in page
    assert 'id="answer-manure-utilised_t">7.5 吨' in page
    assert _row(page, "sewage_treatment") == [
        "农村生活污水治理率（户）",
        "75.0%",
        "—",
        "40.0%",
        "+35.0 ⚠ 变化过大",
    ]
    assert _row(page, "manure_utilisation") == [
        "畜禽粪污综合利用率",
        "75.0%",
        "80.0%",
        "75.0%",
        "+0.0",
    ]
    assert 'class="near"' in re.search(r'<tr id="rate-manure_utilisation"[^>]*>', page).group(0)
    assert "距村庄 5.2 公里（限 2.0 公里）" in page
    assert f'href="{photo_url}"' in page and f'src="{photo_url}"' in page
    with seeded.app_context():
        created = db.session.get(Inspection, doc["id"]).created_at
    created = created if created.tzinfo else created.replace(tzinfo=UTC)
    hunyuan = created.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert f"insp 于 {hunyuan} 录入" in page
    assert "与本村 2026-08-10 的上一次检查比较" in page
    assert LARGE_JUMP_POINTS == 30.0
    # The queue marks both the flag and the jump, and offers no batch box for it.
    queue = lead.get("/review").get_data(as_text=True)
    assert "变化过大: 农村生活污水治理率（户） +35.0" in queue
    assert f'name="inspection" value="{doc["id"]}"' not in queue


def test_approving_on_the_page_is_confirmed_and_said(seeded, make_user, auth_headers):
    world, h, client = _setup(seeded, make_user, auth_headers)
    doc = _post(client, h["inspector"], world.village, treated=45)
    lead = sign_in(seeded, "lead")
    page = lead.get(f"/review/{doc['id']}").get_data(as_text=True)
    assert '<details class="confirm">' in page and 'id="confirm-approve"' in page
    done = lead.post(f"/review/{doc['id']}/approve", follow_redirects=True)
    body = done.get_data(as_text=True)
    assert 'role="status">已通过: 西坊城村委会 2026-11-20</p>' in body
    # The county admin's own inspection: the page says someone else decides; no buttons.
    own = _post(client, h["county_admin"], world.village, treated=45, notes="admin's own")
    admin_page = sign_in(seeded, "admin").get(f"/review/{own['id']}").get_data(as_text=True)
    assert 'id="own"' in admin_page and 'id="confirm-approve"' not in admin_page


def test_the_batch_approves_only_clean_inspections(seeded, make_user, auth_headers):
    """Aug 40 % → 11-18 50 % (+10.0, clean) → 11-19 50 % (+0.0, GPS flag) → 11-20 95 % (+45.0)."""
    world, h, client = _setup(seeded, make_user, auth_headers)
    clean = _post(client, h["inspector"], world.village, "2026-11-18", treated=50)
    flagged = _post(client, h["inspector"], world.village, "2026-11-19", treated=50)
    jump = _post(client, h["inspector"], world.village, "2026-11-20", treated=95)
    _flag(seeded, flagged["id"])
    lead = sign_in(seeded, "lead")
    queue = lead.get("/review").get_data(as_text=True)
    assert f'name="inspection" value="{clean["id"]}"' in queue
    assert f'name="inspection" value="{flagged["id"]}"' not in queue
    assert f'name="inspection" value="{jump["id"]}"' not in queue
    # Whatever is posted, the server checks each one again.
    ids = [clean["id"], flagged["id"], jump["id"]]
    answer = lead.post(
        "/review/batch",
        data={"inspection": [str(i) for i in ids]},
        follow_redirects=True,
    )
    body = answer.get_data(as_text=True)
    assert "已通过 1 份检查" in body
    assert "未通过（请逐一查看）：西坊城村委会 2026-11-19、西坊城村委会 2026-11-20" in body
    with seeded.app_context():
        statuses = [db.session.get(Inspection, i).status for i in ids]
        approvals = db.session.scalar(
            db.select(db.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "inspection.approve", AuditEvent.actor_name == "lead")
        )
    assert statuses == ["approved", "submitted", "submitted"]
    assert approvals == 2  # the August one in the set-up, and the clean one


def test_the_queue_shows_the_newest_20_and_pages_to_the_rest(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    h = auth_headers(world.users["inspector"], lang="en")
    client = seeded.test_client()
    ids = [_post(client, h, world.village, f"2026-10-{day:02d}")["id"] for day in range(1, 28)]
    lead = sign_in(seeded, "lead")
    queue = lead.get("/review").get_data(as_text=True)
    shown = re.findall(r'<section class="review" id="inspection-(\d+)"', queue)
    assert shown == [str(i) for i in reversed(ids[7:])]  # the 20 sent last, newest first
    assert "共 27 份待审核，最新的在前 · 第 1 / 2 页" in queue and "另有" not in queue
    rest = lead.get("/review?page=2").get_data(as_text=True)
    shown = re.findall(r'<section class="review" id="inspection-(\d+)"', rest)
    assert shown == [str(i) for i in reversed(ids[:7])]
