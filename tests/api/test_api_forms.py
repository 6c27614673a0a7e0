"""Issue 22 through the API: list the forms, download a workbook, upload an edited one to see
its changes, publish it as version n+1 (county admins only), and the new question is accepted."""

import io

import openpyxl
import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.extensions import db
from app.models import AuditEvent, PublishedForm
from tests.api_payloads import (
    DATABASES,
    add_user,
    bearer,
    changed,
    clear_activity,
    seeded_module_app,
    valid_payload,
)
from tests.xlsform_helpers import edit, exported, relabel_and_add, row_of, set_cell

URL = "/api/v1/forms/film/xlsform"


@pytest.fixture(scope="module", params=DATABASES)
def county(request, tmp_path_factory):
    yield from seeded_module_app(request, tmp_path_factory)


@pytest.fixture(autouse=True)
def fresh(county):
    clear_activity(county)


def headers(app, role, lang="en"):
    township = "140225101" if role in ("inspector", "township_lead") else None
    return {**bearer(app, add_user(app, role, township)), "Accept-Language": lang}


def upload(client, data, head, publish=False, name="film.xlsx"):
    # Encoded in memory: the test client would spill a big body into a temporary file that
    # nothing closes when the app refuses it unread (as tests/inspections/test_photos.py does).
    boundary, body = encode_multipart(
        {
            "file": FileStorage(io.BytesIO(data), filename=name),
            "publish": "true" if publish else "false",
        }
    )
    return client.post(
        URL,
        data=body,
        headers=head,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def county_rows(app):
    with app.app_context():
        query = db.select(PublishedForm).where(PublishedForm.origin == "county")
        return [(r.form_id, r.version) for r in db.session.scalars(query)]


def test_every_official_lists_and_downloads(county):
    client = county.test_client()
    listed = client.get("/api/v1/forms", headers=headers(county, "viewer"))
    assert listed.status_code == 200
    forms = {f["form_id"]: f for f in listed.get_json()["forms"]}
    assert sorted(forms) == ["film", "heating", "manure", "profile", "sewage", "straw", "waste"]
    assert forms["film"]["version"] == "2026.3"
    assert forms["film"]["title"] == {"zh": "农用薄膜", "en": "Agricultural film"}
    got = client.get(URL, headers=headers(county, "inspector"))
    assert got.status_code == 200 and got.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="film-2026.3.xlsx"' in got.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(got.data))
    assert book.sheetnames == ["survey", "choices", "settings", "cunjian_indicators"]
    assert (
        client.get("/api/v1/forms/nosuch/xlsform", headers=headers(county, "viewer")).status_code
        == 404
    )


@pytest.mark.parametrize("role", ["inspector", "township_lead", "viewer"])
def test_only_a_county_admin_uploads(county, role):
    response = upload(
        county.test_client(), relabel_and_add(exported("film")), headers(county, role), True
    )
    assert response.status_code == 403
    assert county_rows(county) == []


def test_identical_changes_then_publish(county):
    client, admin = county.test_client(), headers(county, "county_admin")
    same = upload(client, exported("film"), admin, publish=True)
    assert (same.status_code, same.get_json()) == (200, {"form_id": "film", "unchanged": True})
    edited = relabel_and_add(exported("film"))
    preview = upload(client, edited, admin)
    assert preview.status_code == 200
    assert [c["en"] for c in preview.get_json()["changes"]] == [
        "recovered_t: label now 'Film recovered in all'",
        "new field bags_collected (Bags collected)",
    ]
    assert county_rows(county) == []
    published = upload(client, edited, admin, publish=True)
    assert published.status_code == 201, published.get_json()
    assert published.get_json()["version"] == "2026.4"
    assert county_rows(county) == [("film", "2026.4")]
    with county.app_context():
        event = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == "form.publish")
        ).one()
        assert event.details["version"] == "2026.4"
    listed = client.get("/api/v1/forms", headers=admin).get_json()["forms"]
    film = next(f for f in listed if f["form_id"] == "film")
    assert film["version"] == "2026.4"
    # the version it replaced (the shipped file's) is recorded with the publish (issue 22: an
    # outbox entry saved under it is still checked against it)
    assert [v["version"] for v in film["versions"]] == ["2026.4", "2026.3"]
    # the same workbook again: it is now based on an old version
    again = upload(client, edited, admin, publish=True)
    assert again.status_code == 422
    assert again.get_json()["errors"][0]["column"] == "version"
    # the API accepts the new question
    body = changed(valid_payload(), "sections.film.bags_collected", 40)
    stored = client.post("/api/v1/inspections", json=body, headers=headers(county, "inspector"))
    assert stored.status_code == 201, stored.get_json()
    assert stored.get_json()["form_versions"]["film"] == "2026.4"
    refused = client.post(
        "/api/v1/inspections",
        json=changed(valid_payload(), "sections.film.bags_collected", -1),
        headers=headers(county, "inspector"),
    )
    assert refused.status_code == 422
    assert list(refused.get_json()["errors"]) == ["sections.film.bags_collected"]


def test_a_fifty_megabyte_upload_is_refused_cleanly(county):
    big = b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024)
    response = upload(county.test_client(), big, headers(county, "county_admin"), True)
    assert response.status_code == 413
    assert response.is_json
    assert county_rows(county) == []


def _current_workbook(client, head) -> bytes:
    return client.get(URL, headers=head).data


def test_what_answers_and_indicators_rest_on_cannot_change(county):
    client, admin = county.test_client(), headers(county, "county_admin")

    def drop_used(book):
        set_cell(book, "survey", "recovered_t", "constraint", ". >= 0")
        book["survey"].delete_rows(row_of(book["survey"], "used_t"))

    gone = upload(client, edit(exported("film"), drop_used), admin, publish=True)
    assert gone.status_code == 422
    assert [e["message"] for e in gone.get_json()["errors"]] == [
        "survey column name: used_t is read by an indicator: it cannot be removed or renamed"
    ]
    assert upload(client, relabel_and_add(exported("film")), admin, True).status_code == 201
    sent = changed(valid_payload(), "sections.film.bags_collected", 40)
    inspector = headers(county, "inspector")
    assert client.post("/api/v1/inspections", json=sent, headers=inspector).status_code == 201
    current = _current_workbook(client, admin)

    def rename(book):
        set_cell(book, "survey", "bags_collected", "name", "bags_gathered")

    def retype(book):
        set_cell(book, "survey", "bags_collected", "type", "decimal")

    renamed = upload(client, edit(current, rename), admin, publish=True)
    assert renamed.status_code == 422
    assert [e["message"] for e in renamed.get_json()["errors"]] == [
        "survey column name: bags_collected has answers: it cannot be removed or renamed "
        "(add a new one)"
    ]
    retyped = upload(client, edit(current, retype), admin, publish=True)
    assert [e["message_zh"] for e in retyped.get_json()["errors"]] == [
        "survey name 列: 字段 bags_collected 已有答案，类型不能由 integer 改为 decimal"
    ]
    assert county_rows(county) == [("film", "2026.4")]  # nothing more published


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "film.xls"),
        (b"garbage", "film.xlsx"),
        (b"", "film.xlsx"),
    ],
)
def test_bad_files_get_422_never_500(county, data, name):
    response = upload(county.test_client(), data, headers(county, "county_admin", "zh"), True, name)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["sheet"] == "workbook"
    assert county_rows(county) == []
