"""Issue 22's round trip, for every shipped form, through the API and the pages: its exported
workbook uploads as "unchanged"; with a label changed and a question added (openpyxl, as a
county edits in WPS or Excel) it publishes version n+1; the form page and the API take the new
question; an inspection made before still shows the labels it was made under."""

import io

import pytest

from app.extensions import db
from app.models import PublishedForm, User
from tests.api_payloads import INSPECTOR_TOWNSHIP, OWN_VILLAGE, add_user, bearer, valid_payload
from tests.xlsform_helpers import FORM_IDS, column, edit, shipped

PASSWORD = "correct horse battery"
NEW = "county_extra_count"


def signed_in(app, role, township=None):
    user_id = add_user(app, role, township, password=PASSWORD)
    with app.app_context():
        username = db.session.get(User, user_id).username
    client = app.test_client()
    client.post("/login", data={"username": username, "password": PASSWORD})
    return client, bearer(app, user_id)


def upload(client, head, form_id, data, publish):
    body = {"file": (io.BytesIO(data), f"{form_id}.xlsx"), "publish": publish}
    return client.post(
        f"/api/v1/forms/{form_id}/xlsform",
        data=body,
        headers=head,
        content_type="multipart/form-data",
    )


def relabel_first_and_add(form_id):
    def change(book):
        ws = book["survey"]
        label = ws.cell(row=2, column=column(ws, "label::中文 (zh)"))
        label.value = label.value + "（新）"
        new_row = ws.max_row + 1
        cells = {
            "type": "integer",
            "name": NEW,
            "label::中文 (zh)": "县里新增的数",
            "label::English (en)": "A count the county added",
            "required": "no",
            "constraint": ". >= 0 and . <= 1000",
        }
        for header, value in cells.items():
            ws.cell(row=new_row, column=column(ws, header), value=value)

    return change


def payload_with(form_id, value=None):
    body = valid_payload()
    body["sections"]["waste"] = {"collection_covered": True, "sorting": False}
    if value is not None:
        if form_id == "profile":
            body[NEW] = value
        else:
            body["sections"][form_id][NEW] = value
    return body


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_round_trip(seeded, form_id):
    admin_page, admin = signed_in(seeded, "county_admin")
    inspector_page, inspector = signed_in(seeded, "inspector", INSPECTOR_TOWNSHIP)
    before = inspector_page.post(
        "/api/v1/inspections", json=payload_with(form_id), headers=inspector
    )
    assert before.status_code == 201, before.get_json()
    exported = admin_page.get(f"/api/v1/forms/{form_id}/xlsform", headers=admin).data
    same = upload(admin_page, admin, form_id, exported, "true")
    assert (same.status_code, same.get_json()["unchanged"]) == (200, True)

    old_label = shipped(form_id)["survey"][0]["label"]["zh"]
    first_key = shipped(form_id)["survey"][0]["name"]
    old_version = shipped(form_id)["settings"]["version"]
    head, _, last = old_version.rpartition(".")
    new_version = f"{head}.{int(last) + 1}"
    published = upload(
        admin_page, admin, form_id, edit(exported, relabel_first_and_add(form_id)), "true"
    )
    assert published.status_code == 201, published.get_json()
    assert published.get_json()["version"] == new_version
    with seeded.app_context():
        rows = db.session.scalars(db.select(PublishedForm).where(PublishedForm.form_id == form_id))
        assert {(r.version, r.origin) for r in rows} == {
            (old_version, "file"),
            (new_version, "county"),
        }

    # ?plain=1: the form with its body written in (otherwise in the form's data file)
    page = inspector_page.get(f"/inspect/{OWN_VILLAGE}?plain=1").get_data(as_text=True)
    assert "县里新增的数" in page and f"{old_label}（新）" in page
    assert (f'name="{NEW}"' if form_id == "profile" else f'name="sections.{form_id}.{NEW}"') in page
    refused = inspector_page.post(
        "/api/v1/inspections", json=payload_with(form_id, 1001), headers=inspector
    )
    assert refused.status_code == 422
    after = inspector_page.post(
        "/api/v1/inspections", json=payload_with(form_id, 12), headers=inspector
    )
    assert after.status_code == 201, after.get_json()
    assert after.get_json()["form_versions"][form_id] == new_version
    assert before.get_json()["form_versions"][form_id] == old_version

    anchor = (
        f'id="answer-profile-{first_key}"'
        if form_id == "profile"
        else f'id="answer-{form_id}-{first_key}"'
    )
    old_page = inspector_page.get(f"/inspect/saved/{before.get_json()['id']}").get_data(
        as_text=True
    )
    new_page = inspector_page.get(f"/inspect/saved/{after.get_json()['id']}").get_data(as_text=True)
    assert f"<dt>{old_label}</dt>" in old_page and "县里新增的数" not in old_page
    assert f"<dt>{old_label}（新）</dt>" in new_page and "县里新增的数" in new_page
    assert anchor in old_page and anchor in new_page
