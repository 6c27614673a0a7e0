"""How much of each figure is estimated, on the village, township and county pages, the API and
the export, worked out by hand on SQLite and PostgreSQL.

Village A (西坊城村) counts 1,200 fattening pigs: manure produced estimated, 1,265.64 t.
Village B (涧村) sends 775.76 t measured. Township and county: 1,265.64 of 2,041.4 t estimated =
62.0 %; A 100 %, B 0 %. A's earlier inspection in the quarter (measured 9,999 t) does not count:
the roll-up reads each village's latest inspection.
"""

import csv
import io
import uuid

import pytest

from tests.api_payloads import INSPECTOR_TOWNSHIP, add_user, bearer
from tests.dashboard_scenario import login

A, B = "140225101200", "140225101201"


def submit(client, headers, village, manure, inspected_on="2026-11-20"):
    payload = {
        "client_uuid": str(uuid.uuid4()),
        "village_code": village,
        "inspected_on": inspected_on,
        "households": 100,
        "sections": {"manure": manure},
    }
    response = client.post("/api/v1/inspections", json=payload, headers=headers)
    assert response.status_code == 201, response.get_json()


@pytest.fixture
def shares(seeded, client):
    user_id = add_user(seeded, "inspector", INSPECTOR_TOWNSHIP)
    headers = bearer(seeded, user_id)
    submit(client, headers, A, {"produced_t": 9999, "utilised_t": 1}, "2026-10-05")
    submit(client, headers, A, {"pigs_turnoff": 1200, "utilised_t": 1000})
    submit(client, headers, B, {"produced_t": 775.76, "utilised_t": 500})
    return seeded


def share_line(html: str, field: str) -> str:
    marker = f'data-field="{field}">'
    start = html.index(marker) + len(marker)
    return " ".join(html[start : html.index("</span>", start)].split())


def test_pages_say_how_much_is_estimated(shares, client):
    login(client, "county_admin")
    county = client.get("/dashboard/?period=2026Q4&lang=en").get_data(as_text=True)
    assert share_line(county, "manure.produced_t") == "Manure produced 62.0% (1,265.6 / 2,041.4 t)"
    assert share_line(county, "straw.produced_t") == "Collectable straw —"  # nothing reported
    township = client.get("/dashboard/township/140225101?period=2026Q4&lang=en").get_data(
        as_text=True
    )
    assert share_line(township, "manure.produced_t") == (
        "Manure produced 62.0% (1,265.6 / 2,041.4 t)"
    )
    a = client.get(f"/dashboard/village/{A}?period=2026Q4&lang=en").get_data(as_text=True)
    b = client.get(f"/dashboard/village/{B}?period=2026Q4&lang=zh").get_data(as_text=True)
    assert share_line(a, "manure.produced_t") == "Manure produced 100.0% (1,265.6 / 1,265.6 t)"
    # each inspection on the village page says which figure is which
    assert a.count('data-answer="manure.produced_t">estimated</span>') == 1  # the latest
    assert a.count('data-answer="manure.produced_t">measured</span>') == 1  # the earlier one
    assert share_line(b, "manure.produced_t") == "粪污产生量 0.0% (0 / 775.8 吨)"
    assert "按数量和系数估算的占比" in b


def test_the_api_says_how_much_is_estimated(shares, client, auth_headers, make_user):
    headers = auth_headers(make_user("viewer"))
    body = client.get(
        "/api/v1/rollup?level=township&county=140225&period=2026Q4", headers=headers
    ).get_json()
    manure = next(e for e in body["estimated"] if e["field"] == "manure.produced_t")
    assert manure["estimated"] == pytest.approx(1265.64)
    assert manure["total"] == pytest.approx(2041.4)
    assert manure["share"] == pytest.approx(1265.64 / 2041.4)
    assert manure["label"]["en"] == "Manure produced" and manure["unit"]["zh"] == "吨"
    one = client.get(
        "/api/v1/rollup?level=village&township=140225102&period=2026Q4", headers=headers
    ).get_json()
    assert {e["field"]: e["share"] for e in one["estimated"]}["manure.produced_t"] is None


def test_the_export_lists_each_village(shares, client):
    login(client, "county_admin")
    response = client.get("/dashboard/export/estimates.csv?county=140225&period=2026Q4&lang=en")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:6] == [
        "Code",
        "Name",
        "Township",
        "Manure produced (t)",
        "Manure produced · estimated (t)",
        "Manure produced · estimated (%)",
    ]
    assert [r[:6] for r in rows[1:]] == [
        [A, "西坊城村委会", "西坊城镇", "1265.6", "1265.6", "100.0"],
        [B, "涧村村委会", "西坊城镇", "775.8", "0", "0.0"],
    ]
    xlsx = client.get("/dashboard/export/estimates.xlsx?township=140225101&period=2026Q4")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_a_whole_province_with_the_summary_on_is_not_worked_out(shares, client, runner):
    """A province reads its figures from the summary; its shares would read every answer."""
    headers = bearer(shares, add_user(shares, "county_admin"))
    url = "/api/v1/rollup?level=county&period=2026Q4"
    assert client.get(url, headers=headers).get_json()["estimated"][0]["share"] == pytest.approx(
        1265.64 / 2041.4
    )
    assert runner.invoke(args=["rebuild-summary"]).exit_code == 0
    assert client.get(url, headers=headers).get_json()["estimated"] is None
    county = client.get(f"{url}&county=140225", headers=headers).get_json()
    assert county["estimated"][0]["share"] == pytest.approx(1265.64 / 2041.4)


def test_the_bulletin_marks_a_rate_that_sums_an_estimate(shares, client):
    """Manure utilisation divides by manure produced, of which 62.0 % is estimated: its headline
    reads 含估算; film recovery sums nothing estimated and does not (scope=all: unreviewed)."""
    login(client, "viewer")
    html = client.get("/dashboard/bulletin?period=2026Q4&scope=all").get_data(as_text=True)

    def indicator_cell(key):
        return html.split(f'<tr data-indicator="{key}"><th>')[1].split("</th>")[0]

    assert "（含估算）" in indicator_cell("manure_utilisation")
    assert "含估算" not in indicator_cell("film_recovery")
