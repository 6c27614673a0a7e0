"""No English inside Chinese text (issue 20, finding 11): a refused step names the status in
Chinese (not “approved”), and a seeded target's source reads 规划第 5.4 节, not "plan §5.4"."""

from tests.review_world import make_world, payload, sign_in


def test_a_refused_step_names_the_status_in_chinese(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    h = {k: auth_headers(v, lang="zh") for k, v in world.users.items()}
    client = seeded.test_client()
    body = payload(world.village)
    inspection_id = client.post("/api/v1/inspections", json=body, headers=h["inspector"]).json["id"]
    url = f"/api/v1/inspections/{inspection_id}"
    assert client.post(f"{url}/approve", headers=h["township_lead"]).status_code == 200
    refused = client.put(url, json=body, headers=h["inspector"])
    assert refused.status_code == 409
    assert refused.get_json()["error"]["message"] == "此检查当前状态为“已通过”，不能执行此操作"


def test_a_seeded_targets_source_is_said_in_chinese(seeded, make_user):
    make_world(seeded, make_user)
    page = sign_in(seeded, "admin").get("/admin/targets").get_data(as_text=True)
    assert "规划第 5.4 节" in page
    assert "plan §" not in page
