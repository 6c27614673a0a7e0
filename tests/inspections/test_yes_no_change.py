"""A yes/no indicator's change between inspections is a flip, not an outlier of magnitude
(issue 20, finding 13): 垃圾分类 no → yes reads "否 → 是" (not "+100.0 ⚠ 变化过大") and the
inspection stays in the batch approval. Sewage stays 40 of 100 households: +0.0."""

import re

from tests.review_world import make_world, payload, sign_in


def _with_waste(village, inspected_on, sorting):
    body = payload(village)
    body["inspected_on"] = inspected_on
    body["sections"]["waste"] = {"collection_covered": True, "sorting": sorting}
    return body


def _cells(page: str, key: str) -> list[str]:
    row = re.search(rf'<tr id="rate-{key}"[^>]*>(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip() for c in cells]


def test_a_yes_no_flip_is_shown_as_such_and_stays_in_the_batch(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    h = {k: auth_headers(v) for k, v in world.users.items()}
    client = seeded.test_client()
    before = _with_waste(world.village, "2026-08-10", False)
    first = client.post("/api/v1/inspections", json=before, headers=h["inspector"]).json["id"]
    client.post(f"/api/v1/inspections/{first}/approve", headers=h["township_lead"])
    now = _with_waste(world.village, "2026-11-20", True)
    second = client.post("/api/v1/inspections", json=now, headers=h["inspector"]).json["id"]

    lead = sign_in(seeded, "lead")
    page = lead.get(f"/review/{second}").get_data(as_text=True)
    sorting = _cells(page, "waste_sorting")
    # indicator, rate, target, previous, change
    assert sorting == ["生活垃圾分类覆盖率（行政村）", "100.0%", "12.0%", "0.0%", "否 → 是"]
    assert "jump" not in re.search(r'<tr id="rate-waste_sorting"([^>]*)>', page).group(1)
    assert _cells(page, "waste_collection")[-1] == "未变"
    queue = lead.get("/review").get_data(as_text=True)
    assert f'name="inspection" value="{second}"' in queue  # clean: in the batch
