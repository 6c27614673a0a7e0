"""Where an inspector stands (issue 12, seen items 5 and 8): each village's state this quarter
on the village list and after a save, and /inspect/mine (我的检查) with returned inspections
first. On SQLite and PostgreSQL. The county's today is 2026-11-28 (quarter 2026Q4)."""

import re

from tests.review_world import make_world, payload, sign_in

XIFANGCHENG = "140225101200"  # 西坊城村委会, the world's village
JIANCUN, YIJIAZHAI, THIRD = "140225101201", "140225101202", "140225101203"


def post(client, body, headers):
    response = client.post("/api/v1/inspections", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def state_of(html: str, village: str) -> str:
    match = re.search(rf'data-village="{village}".*?data-state="([a-z_]+)"', html, re.S)
    return match.group(1)


def test_each_village_shows_its_state_this_quarter(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    client = seeded.test_client()
    insp = auth_headers(world.users["inspector"])
    lead = auth_headers(world.users["township_lead"])
    # 西坊城: one approved, one returned this quarter → returned (something to fix) wins.
    approved = post(client, payload(XIFANGCHENG), insp)
    returned = post(client, payload(XIFANGCHENG, households=90), insp)
    assert client.post(f"/api/v1/inspections/{approved}/approve", headers=lead).status_code == 200
    back = client.post(
        f"/api/v1/inspections/{returned}/return", json={"comment": "户数不对"}, headers=lead
    )
    assert back.status_code == 200
    # 涧村: approved only; 义家寨: waiting for review; the third: last quarter only.
    only = post(client, payload(JIANCUN), insp)
    assert client.post(f"/api/v1/inspections/{only}/approve", headers=lead).status_code == 200
    post(client, payload(YIJIAZHAI), insp)
    old = payload(THIRD)
    old["inspected_on"] = "2026-09-30"  # 2026Q3
    post(client, old, insp)

    html = sign_in(seeded, "insp").get("/inspect/").get_data(as_text=True)
    assert "本季度状态: 2026Q4" in html
    assert state_of(html, XIFANGCHENG) == "returned"
    assert state_of(html, JIANCUN) == "approved"
    assert state_of(html, YIJIAZHAI) == "submitted"
    assert state_of(html, THIRD) == "not_inspected"
    labels = dict(re.findall(r'data-state="([a-z_]+)">([^<]+)<', html))
    assert labels == {
        "returned": "已退回",
        "approved": "已通过",
        "submitted": "已提交",
        "not_inspected": "未检查",
    }
    assert len(re.findall(r"data-village=", html)) == 11  # 西坊城镇's villages, no other's
    assert 'data-waiting-label="待发送"' in html

    # After a save, the confirmation comes first and then the same list.
    saved = sign_in(seeded, "insp").get(f"/inspect/saved/{only}").get_data(as_text=True)
    assert saved.index('id="saved-confirmation"') < saved.index('id="next-village"')
    assert saved.index('id="next-village"') < saved.index('id="answer-profile-households"')
    assert state_of(saved, JIANCUN) == "approved"


def test_my_inspections_lists_returned_first(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    client = seeded.test_client()
    insp = auth_headers(world.users["inspector"])
    lead = auth_headers(world.users["township_lead"])
    first = post(client, payload(XIFANGCHENG), insp)  # oldest id
    second = post(client, payload(JIANCUN), insp)
    third = post(client, payload(YIJIAZHAI), insp)
    colleague = post(client, payload(THIRD), auth_headers(world.users["inspector_colleague"]))
    assert (
        client.post(
            f"/api/v1/inspections/{first}/return", json={"comment": "补充照片"}, headers=lead
        ).status_code
        == 200
    )
    deleted = post(client, payload(THIRD), insp)
    assert (
        client.delete(
            f"/api/v1/inspections/{deleted}", json={"reason": "重复"}, headers=insp
        ).status_code
        == 200
    )

    page = sign_in(seeded, "insp").get("/inspect/mine")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    ids = [int(i) for i in re.findall(r'id="mine-(\d+)"', html)]
    # returned first; then newest first (same date: the later id first); not the colleague's,
    # not the deleted one
    assert ids == [first, third, second]
    assert colleague not in ids and deleted not in ids
    assert "补充照片" in html and f"/inspect/edit/{first}" in html
    assert html.count("/inspect/edit/") == 1  # only the returned one offers a correction
    assert "我的检查" in sign_in(seeded, "insp").get("/inspect/").get_data(as_text=True)


def test_my_inspections_is_for_those_who_record_them(seeded, make_user):
    make_world(seeded, make_user)
    assert sign_in(seeded, "lead").get("/inspect/mine").status_code == 403
    assert sign_in(seeded, "viewer").get("/inspect/mine").status_code == 403
    empty = sign_in(seeded, "admin").get("/inspect/mine")
    assert empty.status_code == 200 and "您还没有录入检查。" in empty.get_data(as_text=True)
    assert seeded.test_client().get("/inspect/mine").status_code == 302  # sign in first
