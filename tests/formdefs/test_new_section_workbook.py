"""Issue 22, item 3's last clause: a county adds a new section and an indicator over its fields
by workbook alone; the indicator then appears in the roll-up (API), computed Σ ÷ Σ."""

import io
import json

import openpyxl
import pytest

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


# Target 80 % by 2027 from a baseline of 50 % at the end of 2025: at 2026Q4's end (2026-12-31,
# 365 of the path's 730 days) the line expects 50 + 30 × 365/730 = 65 %.
TARGETED = {
    **INDICATOR,
    "target": {
        "value": 0.8,
        "baseline": {"value": 0.5, "date": "2025-12-31"},
        "deadline": "2027-12-31",
    },
}


def test_a_new_indicators_target_comes_from_the_workbook(seeded):
    from app.extensions import db
    from app.models import AuditEvent, Target, User
    from app.settings import set_setting

    admin_id = add_user(seeded, "county_admin")
    admin = bearer(seeded, admin_id)
    inspector = bearer(seeded, add_user(seeded, "inspector", INSPECTOR_TOWNSHIP))
    client = seeded.test_client()
    workbook = workbook_bytes(sheets(TOILETS, [TARGETED]))
    published = upload(client, admin, workbook)
    assert (published.status_code, published.get_json()["version"]) == (201, "2026.1")
    with seeded.app_context():
        (row,) = db.session.scalars(db.select(Target).where(Target.indicator == "toilet_coverage"))
        assert (row.zone, row.value, row.applies_from.isoformat()) == ("*", 0.8, "2026-10-01")
        assert (row.baseline_value, row.baseline_date.isoformat()) == (0.5, "2025-12-31")
        assert (row.deadline.isoformat(), row.source) == ("2027-12-31", "toilets 2026.1")
        assert (
            db.session.scalar(
                db.select(db.func.count()).where(AuditEvent.action == "target.change")
            )
            == 1
        )

    # the export writes it back; the same workbook again is unchanged and sets no second row
    exported = client.get("/api/v1/forms/toilets/xlsform", headers=admin).data
    assert upload(client, admin, exported).get_json() == {"form_id": "toilets", "unchanged": True}
    book = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = book["cunjian_indicators"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert [
        row[c] for c in ("target_percent", "baseline_percent", "baseline_year", "deadline_year")
    ] == [80, 50, 2025, 2027]

    body = valid_payload()
    body["sections"]["toilets"] = {"households_checked": 120, "sanitary": 90}
    assert client.post("/api/v1/inspections", json=body, headers=inspector).status_code == 201
    rollup = client.get("/api/v1/rollup?level=county&period=2026Q4", headers=admin).get_json()
    figure = rollup["units"][0]["indicators"]["toilet_coverage"]
    assert figure["rate"] == 0.75  # 90 ÷ 120
    # 1 village of 213 reported: too few to judge at the default coverage threshold
    assert (figure["target"], figure["path_expected"], figure["status"]) == (
        0.8,
        0.65,
        "insufficient_data",
    )
    with seeded.app_context():
        set_setting("reports.coverage_threshold", 0, db.session.get(User, admin_id))
        db.session.commit()
    rollup = client.get("/api/v1/rollup?level=county&period=2026Q4", headers=admin).get_json()
    figure = rollup["units"][0]["indicators"]["toilet_coverage"]
    # 75 % is 5 points below 80 % (near: within 10) and above the line's 65 % (on track)
    assert (figure["status"], figure["path_status"]) == ("near", "on_track")
    earlier = client.get("/api/v1/rollup?level=county&period=2026Q3", headers=admin).get_json()
    assert earlier["units"][0]["indicators"]["toilet_coverage"]["target"] is None  # kept its own


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"target_percent": 120}, "target_percent", "须为 0 到 100 之间的百分数"),
        ({"target_percent": "八成"}, "target_percent", "须为 0 到 100 之间的百分数"),
        ({"target_percent": 80, "deadline_year": "2027年"}, "deadline_year", "须为年份（如 2027）"),
        (
            {"target_percent": 80, "baseline_percent": 50},
            "baseline_year",
            "基线需要数值和日期（年份）两项",
        ),
        (
            {"target_percent": 80, "baseline_percent": 50, "baseline_year": 2025},
            "deadline_year",
            "有基线就要有期限",
        ),
        (
            {
                "target_percent": 80,
                "baseline_percent": 50,
                "baseline_year": 2027,
                "deadline_year": 2025,
            },
            "deadline_year",
            "期限须晚于基线日期",
        ),
        ({"deadline_year": 2027}, "target_percent", "有基线或期限就要有目标值"),
    ],
)
def test_a_bad_target_is_refused_with_its_cell(seeded, cells, column, message):
    from app.extensions import db
    from app.models import Target

    admin = bearer(seeded, add_user(seeded, "county_admin"))

    def fill(book):
        sheet = book["cunjian_indicators"]
        header = [c.value for c in sheet[1]]
        for name, value in cells.items():
            sheet.cell(row=2, column=header.index(name) + 1).value = value

    data = edit(workbook_bytes(sheets(TOILETS, [INDICATOR])), fill)
    response = upload(seeded.test_client(), admin, data)
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert (error["sheet"], error["row"], error["column"]) == ("cunjian_indicators", 2, column)
    assert message in error["message"]
    with seeded.app_context():
        assert (
            db.session.scalar(
                db.select(db.func.count()).where(Target.indicator == "toilet_coverage")
            )
            == 0
        )
