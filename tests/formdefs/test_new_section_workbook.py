"""Issue 22, item 3's last clause: a county adds a new section and an indicator over its fields
by workbook alone; the indicator then appears in the roll-up (API), computed Σ ÷ Σ."""

import io
import json

from app.formdefs.xlsform_sheets import sheets
from app.formdefs.xlsform_workbook import workbook_bytes
from tests.api_payloads import INSPECTOR_TOWNSHIP, add_user, bearer, valid_payload
from tests.paths import FIXTURES
from tests.xlsform_helpers import edit

TOILETS = json.loads((FIXTURES / "extra_forms" / "toilets.json").read_text())
INDICATOR = json.loads((FIXTURES / "extra_forms" / "indicator.json").read_text())


def upload(client, head, data, publish="true"):
    return client.post(
        "/api/v1/forms/toilets/xlsform",
        data={"file": (io.BytesIO(data), "toilets.xlsx"), "publish": publish},
        headers=head,
        content_type="multipart/form-data",
    )


def test_a_new_section_and_its_indicator_reach_the_rollup(seeded):
    admin = bearer(seeded, add_user(seeded, "county_admin"))
    inspector = bearer(seeded, add_user(seeded, "inspector", INSPECTOR_TOWNSHIP))
    client = seeded.test_client()
    workbook = workbook_bytes(sheets(TOILETS, [INDICATOR]))
    preview = upload(client, admin, workbook, "false")
    assert preview.status_code == 200, preview.get_json()
    assert [c["en"] for c in preview.get_json()["changes"]] == [
        "new form toilets (Rural sanitary toilets)",
        "new indicator toilet_coverage (Sanitary toilet coverage)",
    ]
    published = upload(client, admin, workbook)
    assert (published.status_code, published.get_json()["version"]) == (201, "2026.1")
    assert upload(client, admin, workbook).get_json() == {"form_id": "toilets", "unchanged": True}

    body = valid_payload()
    body["sections"]["toilets"] = {"households_checked": 120, "sanitary": 90}
    stored = client.post("/api/v1/inspections", json=body, headers=inspector)
    assert stored.status_code == 201, stored.get_json()
    assert stored.get_json()["form_versions"]["toilets"] == "2026.1"
    rollup = client.get("/api/v1/rollup?level=county&period=2026Q4", headers=admin)
    assert rollup.status_code == 200
    figure = rollup.get_json()["units"][0]["indicators"]["toilet_coverage"]
    assert (figure["numerator"], figure["denominator"]) == (90, 120)
    assert figure["rate"] == 0.75  # 90 ÷ 120


def test_an_indicator_over_an_unknown_field_is_refused(seeded):
    admin = bearer(seeded, add_user(seeded, "county_admin"))
    wrong = {**INDICATOR, "numerator": {"sum": ["toilets.sanitory"]}}
    response = upload(seeded.test_client(), admin, workbook_bytes(sheets(TOILETS, [wrong])))
    assert response.status_code == 422
    assert "toilets.sanitory" in response.get_json()["errors"][0]["message"]


def test_the_files_indicators_come_back_unchanged_and_cannot_be_edited(seeded):
    admin = bearer(seeded, add_user(seeded, "county_admin"))
    client = seeded.test_client()
    current = client.get("/api/v1/forms/sewage/xlsform", headers=admin).data
    same = client.post(
        "/api/v1/forms/sewage/xlsform",
        data={"file": (io.BytesIO(current), "sewage.xlsx"), "publish": "true"},
        headers=admin,
        content_type="multipart/form-data",
    )
    assert same.get_json() == {"form_id": "sewage", "unchanged": True}

    def relabel(book):
        book["cunjian_indicators"]["B2"] = "污水处理率"

    with_sheet = client.get("/api/v1/forms/sewage/xlsform", headers=admin).data
    edited = client.post(
        "/api/v1/forms/sewage/xlsform",
        data={"file": (io.BytesIO(edit(with_sheet, relabel)), "sewage.xlsx"), "publish": "true"},
        headers={**admin, "Accept-Language": "zh"},
        content_type="multipart/form-data",
    )
    assert edited.status_code == 422
    assert [e["message"] for e in edited.get_json()["errors"]] == [
        "cunjian_indicators 第 2 行 key 列: "
        "此指标由 indicators.json 定义，不能在工作簿中修改（可新增指标）"
    ]
