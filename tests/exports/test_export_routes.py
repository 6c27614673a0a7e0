"""The export routes stream on both databases: first bytes before the roll-up runs, then every
village with the page's figures, as a CSV or an XLSX that opens (tests/dashboard_scenario.py)."""

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.models import Village
from app.rollups import reports
from tests import dashboard_scenario as sc
from tests.dashboard_scenario import login

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def scenario(seeded):
    inspector = sc.quick_user(seeded, "inspector", township=sc.YONGAN, username="wang")
    sc.build(seeded, inspector)
    return seeded


@pytest.fixture
def rollup_calls(monkeypatch):
    """The roll-ups the export runs, in order (the real roll-up, watched)."""
    calls = []
    real = reports.rollup

    def watched(period, level, *args, **kwargs):
        calls.append(level)
        return real(period, level, *args, **kwargs)

    monkeypatch.setattr(reports, "rollup", watched)
    return calls


def test_village_exports_stream_the_county_with_the_page_figures(scenario, client):
    """All 224 units of the county, streamed. B 道巷村 (永安镇): manure 270/300 = 90.0 % vs 80 %
    → meets; film 6/30 = 20.0 % vs 40 % → behind. C 西坊城村: manure 90/100 = 90.0 %; no film."""
    login(client, "county_admin")
    response = client.get("/dashboard/export/villages.csv?period=2026Q4")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="cunjian-villages-2026Q4.csv"'
    )
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, by_code = parsed[0], {r[0]: r for r in parsed[1:]}
    assert len(parsed) - 1 == len(by_code) == 224
    manure = header.index("畜禽粪污综合利用率 · 分子")
    film = header.index("农膜回收率 · 分子")
    assert by_code[sc.B][2] == "永安镇" and by_code[sc.C][2] == "西坊城镇"
    assert by_code[sc.B][manure : manure + 5] == ["270", "300", "90.0", "80.0", "达标"]
    assert by_code[sc.B][film : film + 5] == ["6", "30", "20.0", "40.0", "落后于目标"]
    assert by_code[sc.C][manure : manure + 5] == ["90", "100", "90.0", "80.0", "达标"]
    assert by_code[sc.C][film : film + 5] == ["0", "0", "", "40.0", "无数据（分母为零）"]

    xlsx = client.get("/dashboard/export/villages.xlsx?period=2026Q4")
    assert xlsx.status_code == 200 and xlsx.is_streamed and xlsx.content_type == XLSX_TYPE
    assert "Content-Length" not in xlsx.headers  # chunked: the size is known only at the end
    body = xlsx.get_data()
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    sheet = load_workbook(io.BytesIO(body)).active
    assert [c.value for c in sheet[1]] == header and all(c.font.b for c in sheet[1])
    assert sheet.title == "村 2026Q4" and sheet.freeze_panes == "C2"
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 224
    assert rows[sc.B][1:5] == ("道巷村委会", "永安镇", 1, 1)
    assert rows[sc.B][manure : manure + 5] == (270, 300, 90.0, 80.0, "达标")
    assert [type(v) for v in rows[sc.B][manure : manure + 4]] == [int, int, float, float]
    assert rows[sc.B][film : film + 5] == (6, 30, 20.0, 40.0, "落后于目标")
    assert rows[sc.C][film : film + 5] == (0, 0, None, 40.0, "无数据（分母为零）")


def test_village_csv_sends_its_header_before_the_rows(scenario, client):
    """The first chunk is the byte-order mark and the header line alone: it goes out before the
    roll-up runs, so a province download starts at once."""
    login(client, "county_admin")
    response = client.get("/dashboard/export/villages.csv?period=2026Q4&lang=en", buffered=False)
    chunks = iter(response.response)
    first = next(chunks)
    assert first.startswith(b"\xef\xbb\xbfCode,Name,Township,Villages reported,")
    assert first.endswith(b"\r\n") and first.count(b"\r\n") == 1
    rest = b"".join(chunks).decode("utf-8")
    response.close()
    assert rest.count("\r\n") == 224  # then every unit of the county, one line each


@pytest.mark.parametrize("table", ["villages", "townships"])
def test_xlsx_sends_its_first_bytes_before_the_rollup_runs(scenario, client, rollup_calls, table):
    login(client, "county_admin")
    response = client.get(f"/dashboard/export/{table}.xlsx?period=2026Q4", buffered=False)
    assert response.status_code == 200 and response.is_streamed
    assert response.content_type == XLSX_TYPE
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="cunjian-{table}-2026Q4.xlsx"'
    )
    chunks = iter(response.response)
    first = next(chunks)
    assert rollup_calls == []
    assert first.startswith(b"PK\x03\x04") and b"xl/styles.xml" in first
    body = first + b"".join(chunks)
    response.close()
    assert rollup_calls == [table[:-1]]  # one roll-up, village or township
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    rows = list(load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) - 1 == (224 if table == "villages" else 16)


def test_control_characters_in_a_name_do_not_break_the_xlsx(scenario, client):
    with scenario.app_context():
        village = db.session.execute(db.select(Village).where(Village.code == sc.C)).scalar_one()
        village.name = "西坊\x07城村\x1b"
        db.session.commit()
    login(client, "county_admin")
    body = client.get(f"/dashboard/export/villages.xlsx?period=2026Q4&township={sc.XIFANGCHENG}")
    data = body.get_data()
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    rows = {r[0]: r for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)}
    assert rows[sc.C][1:3] == ("西坊城村", "西坊城镇")


def test_every_csv_says_its_charset_once_and_every_xlsx_its_used_range(scenario, client):
    """Issue 20, finding 17: "text/csv; charset=utf-8", not "…; charset=utf-8; charset=utf-8";
    the villages XLSX states its used range: 224 village rows under the header."""
    login(client, "county_admin")
    for url in (
        "/dashboard/export/villages.csv?period=2026Q4",
        "/dashboard/export/townships.csv?period=2026Q4",
        "/dashboard/export/ranking.csv?period=2026Q4&indicator=manure_utilisation",
        "/problems/export.csv",
    ):
        with client.get(url) as response:  # a streamed body is read and closed in turn
            assert response.status_code == 200, url
            assert response.headers["Content-Type"] == "text/csv; charset=utf-8", url
            response.get_data()
    response = client.get("/dashboard/export/villages.xlsx?period=2026Q4")
    assert response.headers["Content-Type"] == XLSX_TYPE
    sheet = zipfile.ZipFile(io.BytesIO(response.get_data())).read("xl/worksheets/sheet1.xml")
    # code, name, township, reported, total + 8 indicators × 5 + the estimated share = 46: A…AT
    assert b'<dimension ref="A1:AT225"/>' in sheet
