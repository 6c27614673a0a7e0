"""/admin/forms (issue 22): the list, an upload's errors or its changes and phone preview, and
publishing what was previewed; the page is a county admin's only."""

import io
import json
import re

from app.extensions import db
from app.formdefs.xlsform_sheets import sheets
from app.formdefs.xlsform_workbook import workbook_bytes
from app.models import PublishedForm, User
from tests.api_payloads import INSPECTOR_TOWNSHIP, add_user
from tests.paths import FIXTURES
from tests.xlsform_helpers import edit, exported, relabel_and_add, set_cell

PASSWORD = "correct horse battery"


def signed_in(app, role, township=None):
    user_id = add_user(app, role, township, password=PASSWORD)
    with app.app_context():
        username = db.session.get(User, user_id).username
    client = app.test_client()
    client.post("/login", data={"username": username, "password": PASSWORD})
    return client


def send(client, data, lang="zh"):
    return client.post(
        f"/admin/forms/film/upload?lang={lang}",
        data={"file": (io.BytesIO(data), "film.xlsx")},
        content_type="multipart/form-data",
    )


def county_versions(app):
    with app.app_context():
        query = db.select(PublishedForm.version).where(PublishedForm.origin == "county")
        return list(db.session.scalars(query))


def test_upload_preview_publish(seeded):
    client = signed_in(seeded, "county_admin")
    listing = client.get("/admin/forms").get_data(as_text=True)
    assert 'id="form-film"' in listing and "当前版本" in listing
    assert client.get("/admin/forms/film/2026.3.xlsx").status_code == 200
    assert client.get("/admin/forms/film/1999.1.xlsx").status_code == 404
    same = send(client, exported("film")).get_data(as_text=True)
    assert 'id="unchanged"' in same and "与当前版本 2026.3 完全相同" in same
    preview = send(client, relabel_and_add(exported("film")))
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    changes = re.findall(r"<li>([^<]*)</li>", page.split('id="changes"')[1].split("</ul>")[0])
    assert changes == ["recovered_t 的标题改为“农膜回收总量”", "新增字段 bags_collected“回收袋数”"]
    assert 'class="phone-preview"' in page and 'name="preview.bags_collected"' in page
    assert "发布为版本 2026.4" in page
    assert county_versions(seeded) == []  # a preview publishes nothing
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    done = client.post("/admin/forms/film/publish", data={"token": token})
    assert done.status_code == 303
    assert county_versions(seeded) == ["2026.4"]
    assert "已发布 film 版本 2026.4" in client.get("/admin/forms").get_data(as_text=True)
    # the same preview again: now based on an old version, refused with the reason
    again = client.post("/admin/forms/film/publish", data={"token": token})
    assert again.status_code == 422 and "当前版本为 2026.4" in again.get_data(as_text=True)
    assert client.post("/admin/forms/film/publish", data={"token": "forged"}).status_code == 400
    assert county_versions(seeded) == ["2026.4"]


def test_errors_are_listed_and_nothing_changes(seeded):
    client = signed_in(seeded, "county_admin")

    def typo(book):
        set_cell(book, "survey", "recovered_t", "constraint", ". <= ${used_tt}")

    response = send(client, edit(exported("film"), typo), lang="en")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    errors = page.split('id="workbook-errors"')[1].split("</ul>")[0]
    assert "survey row 5 column constraint: unknown field ${used_tt}" in errors
    assert county_versions(seeded) == []


def test_only_a_county_admin_may_use_the_page(seeded):
    for role in ("inspector", "township_lead", "viewer"):
        client = signed_in(seeded, role, INSPECTOR_TOWNSHIP if role != "viewer" else None)
        assert client.get("/admin/forms").status_code == 403
        assert send(client, relabel_and_add(exported("film"))).status_code == 403
    assert county_versions(seeded) == []


def test_a_new_section_from_the_page(seeded):
    toilets = json.loads((FIXTURES / "extra_forms" / "toilets.json").read_text())
    client = signed_in(seeded, "county_admin")
    preview = client.post(
        "/admin/forms/new",
        data={"file": (io.BytesIO(workbook_bytes(sheets(toilets))), "toilets.xlsx")},
        content_type="multipart/form-data",
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "新增表单 toilets“农村卫生厕所”" in page and "发布为版本 2026.1" in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert client.post("/admin/forms/toilets/publish", data={"token": token}).status_code == 303
    assert county_versions(seeded) == ["2026.1"]
    assert 'id="form-toilets"' in client.get("/admin/forms").get_data(as_text=True)
