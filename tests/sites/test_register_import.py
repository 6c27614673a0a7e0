"""Importing a register (issue 23): every refused row named with its number and reason, nothing
half-imported, a re-import updating by code without duplicates, and every bad file refused with
a clear message. On SQLite and PostgreSQL."""

import io

import pytest
from openpyxl import Workbook

from app.extensions import db
from app.models import Site, User
from tests.api_payloads import DATABASES, clear_activity, seeded_module_app
from tests.review_world import session_id
from tests.sites.world import (
    OTHER_VILLAGE,
    OWN_VILLAGE,
    OWN_VILLAGE_2,
    csv_file,
    headers,
    site_count,
)

URL = "/api/v1/sites/import?kind=coal_seller"
HEADER = "code,name,village_code,lat,lon,licence_no\n"


@pytest.fixture(scope="module", params=DATABASES)
def county(request, tmp_path_factory):
    yield from seeded_module_app(request, tmp_path_factory)


@pytest.fixture(autouse=True)
def fresh(county):
    clear_activity(county)


@pytest.fixture
def client(county):
    return county.test_client()


def post(client, admin, files, url=URL):
    return client.post(url, data=files, headers=admin, content_type="multipart/form-data")


def test_a_register_imports_and_a_reimport_updates_by_code(county, client):
    admin = headers(county, "county_admin")
    body = (
        HEADER + f"CS-1,一号煤店,{OWN_VILLAGE},39.70,113.60,L1\nCS-2,二号煤店,{OTHER_VILLAGE},,,\n"
    )
    answer = post(client, admin, csv_file(body))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"created": 2, "updated": 0, "unchanged": 0, "errors": []}
    again = body.replace("一号煤店", "一号煤店（新）")
    answer = post(client, admin, csv_file(again))
    assert answer.get_json() == {"created": 0, "updated": 1, "unchanged": 1, "errors": []}
    assert site_count(county) == 2
    with county.app_context():
        site = db.session.execute(db.select(Site).where(Site.code == "CS-1")).scalar_one()
        assert (site.name, site.lat, site.attributes) == (
            "一号煤店（新）",
            39.7,
            {"licence_no": "L1"},
        )


def test_chinese_headers_and_an_xlsx_file_are_read(county, client):
    admin = headers(county, "county_admin")
    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "名称", "村代码", "营业执照号"])
    sheet.append(["CS-9", "九号煤店", int(OWN_VILLAGE), "L9"])
    buffer = io.BytesIO()
    book.save(buffer)
    answer = post(client, admin, {"file": (io.BytesIO(buffer.getvalue()), "r.xlsx")})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["created"] == 1


BAD_ROWS = [
    ("CS-1,甲,,,,\n", 2, "No village code"),
    ("CS-1,甲,999999999999,,,\n", 2, "No village with code 999999999999"),
    (
        f"CS-1,甲,{OWN_VILLAGE},,,\nCS-1,乙,{OWN_VILLAGE_2},,,\n",
        3,
        "Code CS-1 already appears in row 3",
    ),
    (f'CS-1,=HYPERLINK("x"),{OWN_VILLAGE},,,\n', 2, "A cell holds a formula (name): paste values"),
    (f",甲,{OWN_VILLAGE},,,\n", 2, "No code"),
    (
        f"CS-1,甲,{OWN_VILLAGE},95,10,\n",
        2,
        "Latitude and longitude must be numbers (-90–90, -180–180)",
    ),
]


@pytest.mark.parametrize("rows, row, message", BAD_ROWS)
def test_a_bad_row_is_named_and_nothing_is_imported(county, client, rows, row, message):
    admin = headers(county, "county_admin")
    good = f"CS-0,好店,{OWN_VILLAGE},,,\n"  # a good row first: it must not be kept either
    answer = post(client, admin, csv_file(HEADER + good + rows))
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]
    assert {"row": row + 1, "message": message} in errors
    assert answer.get_json()["created"] == 0
    assert site_count(county) == 0


def test_a_formula_in_an_xlsx_cell_is_refused(county, client):
    admin = headers(county, "county_admin")
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "village_code"])
    sheet.append(["CS-1", "=1+1", OWN_VILLAGE])
    buffer = io.BytesIO()
    book.save(buffer)
    answer = post(client, admin, {"file": (io.BytesIO(buffer.getvalue()), "r.xlsx")})
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == [
        {"row": None, "message": "A cell holds a formula (B2): paste values (row 2)"}
    ]
    assert site_count(county) == 0


def test_a_file_that_is_not_a_spreadsheet_is_refused(county, client):
    admin = headers(county, "county_admin")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    for content, name in [(png, "photo.csv"), (b"PK\x03\x04broken zip", "r.xlsx")]:
        answer = post(client, admin, {"file": (io.BytesIO(content), name)})
        assert answer.status_code == 422
        assert answer.get_json()["errors"] == [
            {"row": None, "message": "Not a spreadsheet: upload an XLSX or CSV file"}
        ]
    assert site_count(county) == 0


def test_a_50_mb_file_is_refused_before_it_is_read(county, client):
    admin = headers(county, "county_admin")
    # the multipart body written out (a file object would be spooled to a temporary file)
    boundary = "xyzzy"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + b"a" * (50 * 1024 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    answer = client.post(
        URL, data=body, headers=admin, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert answer.status_code == 413
    assert answer.get_json()["error"] == {
        "code": "too_large",
        "message": "The request is too large",
    }
    assert site_count(county) == 0


def test_only_a_county_admin_imports_and_a_township_village_outside_scope_is_refused(
    county, client
):
    for role in ("inspector", "township_lead", "viewer"):
        answer = post(
            client, headers(county, role), csv_file(HEADER + f"CS-1,甲,{OWN_VILLAGE},,,\n")
        )
        assert answer.status_code == 403
    assert site_count(county) == 0


def test_the_kind_must_be_known(county, client):
    admin = headers(county, "county_admin")
    answer = post(client, admin, csv_file(HEADER), url="/api/v1/sites/import?kind=rubbish_dump")
    assert answer.status_code == 422


def test_an_exported_register_imports_again_unchanged(county, client):
    admin = headers(county, "county_admin")
    body = HEADER + f"CS-1,一号煤店,{OWN_VILLAGE},39.7,113.6,L1\nCS-2,二号煤店,{OTHER_VILLAGE},,,\n"
    assert post(client, admin, csv_file(body)).status_code == 200
    with county.app_context():
        admin_id = db.session.execute(
            db.select(User.id).where(User.role == "county_admin")
        ).scalar()
    browser = county.test_client()
    with browser.session_transaction() as session:
        session["_user_id"], session["_fresh"] = session_id(county, admin_id), True
    exported = browser.get("/sites/coal_seller/export.csv")
    assert exported.status_code == 200
    text = exported.get_data().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("code,name,village_code,lat,lon,licence_no,")
    again = post(client, admin, csv_file(text))
    assert again.get_json() == {"created": 0, "updated": 0, "unchanged": 2, "errors": []}
    xlsx = browser.get("/sites/coal_seller/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
