"""The dashboard, its exports and the map with two counties (tests/province_scenario.py): the
home is the province with one row per county for a deployment-wide actor, each county's page is
today's county page, breadcrumbs go province → county → township → village, and completeness and
exports work per county. A county-scoped viewer's home is their county."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.models import County, User
from tests import province_scenario as ps
from tests.dashboard.test_dashboard import card
from tests.dashboard_scenario import PASSWORD, quick_user

Q1 = "period=2026Q1"


@pytest.fixture
def province(app):
    ps.build(app)
    app.config["CLOCK"] = lambda: datetime(2026, 5, 15, 4, 0, tzinfo=UTC)
    return app


def sign_in(app, role, county=None, username=None):
    username = username or f"{role}-{county or 'all'}"
    user_id = quick_user(app, role, username=username)
    if county:
        with app.app_context():
            user = db.session.get(User, user_id)
            user.county = db.session.execute(
                db.select(County).where(County.code == county)
            ).scalar_one()
            db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status == (
        "302 FOUND"
    )
    return client


def rows(html: str) -> list[str]:
    return re.findall(r'<tr id="row-(\d+)">', html)


def crumbs(html: str) -> list[tuple[str, str | None]]:
    nav = re.search(r'<nav class="crumbs"[^>]*><ol>(.*?)</ol></nav>', html, re.S).group(1)
    out = []
    for item in re.findall(r"<li>(.*?)</li>", nav, re.S):
        link = re.search(r'<a href="([^"]+)">(.*?)</a>', item)
        out.append((link.group(2), link.group(1)) if link else (re.sub(r"<[^>]+>", "", item), None))
    return out


def test_the_home_is_the_province_with_a_row_per_county(province):
    client = sign_in(province, "county_admin")
    html = client.get(f"/dashboard/?{Q1}&lang=en").get_data(as_text=True)
    assert "<h1>山西省 · 2026 Q1</h1>" in html
    # 1130/1450 = 77.9 % against 1270/1450 = 87.6 %: near
    assert card(html, "clean_heating") == {
        "rate": "77.9%",
        "target": "87.6%",
        "gap": "-9.7",
        "fraction": "1,130 / 1,450 households",
        "reported": "8 / 10",
        "unknown": "2",
        "coverage": "coverage 80.0%",
        "progress": "Behind the path",
    }
    assert rows(html) == [ps.A, ps.B]
    row_a = re.search(rf'<tr id="row-{ps.A}">(.*?)</tr>', html, re.S).group(1)
    assert f'href="/dashboard/county/{ps.A}?period=2026Q1"' in row_a
    heating_a = re.search(r'data-indicator="clean_heating">(.*?)</td>', row_a, re.S).group(1)
    assert "77.3%" in heating_a and "580/750" in heating_a and "Behind target" in heating_a
    assert 'cell-meets" data-indicator="clean_heating"' in html.split(f'id="row-{ps.B}"')[1]
    assert ">Province</a>" in html  # the nav's first link names the province


def test_a_county_page_is_the_county_page_of_its_townships(province):
    client = sign_in(province, "viewer")
    html = client.get(f"/dashboard/county/{ps.A}?{Q1}&lang=en").get_data(as_text=True)
    assert "<h1>甲县 · 2026 Q1</h1>" in html
    assert card(html, "clean_heating")["fraction"] == "580 / 750 households"
    assert card(html, "clean_heating")["reported"] == "4 / 5"
    assert rows(html) == [ps.A1, ps.A2]
    assert crumbs(html) == [("山西省", "/dashboard/?period=2026Q1"), ("甲县", None)]
    assert f"/dashboard/export/townships.xlsx?period=2026Q1&amp;county={ps.A}" in html
    assert f"/dashboard/completeness?period=2026Q1&amp;county={ps.A}" in html
    township = client.get(f"/dashboard/township/{ps.A1}?{Q1}").get_data(as_text=True)
    assert crumbs(township) == [
        ("山西省", "/dashboard/?period=2026Q1"),
        ("甲县", f"/dashboard/county/{ps.A}?period=2026Q1"),
        ("甲一镇", None),
    ]
    village = client.get(f"/dashboard/village/{ps.code('a1p')}?{Q1}").get_data(as_text=True)
    assert [label for label, _url in crumbs(village)] == ["山西省", "甲县", "甲一镇", "a1p村"]
    assert crumbs(village)[2][1] == f"/dashboard/township/{ps.A1}?period=2026Q1"
    assert client.get("/dashboard/county/140199").status_code == 404


def test_a_county_scoped_viewer_starts_at_their_county(province):
    client = sign_in(province, "viewer", county=ps.B)
    html = client.get(f"/dashboard/?{Q1}&lang=en").get_data(as_text=True)
    assert "<h1>乙县 · 2026 Q1</h1>" in html and rows(html) == [ps.B1, ps.B2]
    assert card(html, "clean_heating")["fraction"] == "550 / 700 households"
    assert crumbs(html) == [("山西省", None), ("乙县", None)]  # the province is not their page
    assert ">County</a>" in html
    assert client.get(f"/dashboard/county/{ps.A}").status_code == 403
    assert client.get(f"/dashboard/township/{ps.A1}").status_code == 403
    assert client.get(f"/dashboard/village/{ps.code('a1p')}").status_code == 403
    assert client.get(f"/dashboard/completeness?county={ps.A}").status_code == 403


def test_completeness_per_county(province):
    client = sign_in(province, "county_admin")
    html = client.get(f"/dashboard/completeness?{Q1}&lang=en").get_data(as_text=True)
    line = re.search(rf'<li id="county-{ps.A}">(.*?)</li>', html, re.S).group(1)
    assert f"/dashboard/completeness?county={ps.A}" in line and "4 of 5 reported" in line
    county = client.get(f"/dashboard/completeness?county={ps.A}&{Q1}&lang=en")
    text = county.get_data(as_text=True)
    a1 = text.split(f'id="township-{ps.A1}"')[1].split("</section>")[0]
    assert "2 of 3 reported" in a1 and "a1q村" in a1 and "a1p村" not in a1
    assert f'id="township-{ps.B1}"' not in text


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))[1:]


def test_exports_per_county(province):
    client = sign_in(province, "county_admin")
    counties = csv_rows(client.get(f"/dashboard/export/counties.csv?{Q1}&lang=en"))
    assert [(r[0], r[1], r[2], r[3]) for r in counties] == [
        (ps.A, "甲县", "4", "5"),
        (ps.B, "乙县", "4", "5"),
    ]
    townships = csv_rows(client.get(f"/dashboard/export/townships.csv?county={ps.B}&{Q1}"))
    assert [r[0] for r in townships] == [ps.B1, ps.B2]
    every = csv_rows(client.get(f"/dashboard/export/townships.csv?{Q1}"))
    assert [r[0] for r in every] == [ps.A1, ps.A2, ps.B1, ps.B2]
    villages = csv_rows(client.get(f"/dashboard/export/villages.csv?county={ps.A}&{Q1}"))
    assert sorted(r[0] for r in villages) == sorted(
        ps.code(k) for k in ps.VILLAGES if k.startswith("a")
    )
    scoped = sign_in(province, "viewer", county=ps.B)
    assert [r[0] for r in csv_rows(scoped.get(f"/dashboard/export/counties.csv?{Q1}"))] == [ps.B]
    assert [r[0] for r in csv_rows(scoped.get(f"/dashboard/export/townships.csv?{Q1}"))] == [
        ps.B1,
        ps.B2,
    ]
    assert len(csv_rows(scoped.get(f"/dashboard/export/villages.csv?{Q1}"))) == 5
    assert scoped.get(f"/dashboard/export/townships.csv?county={ps.A}").status_code == 403


def test_the_map_filters_by_county(province):
    client = sign_in(province, "county_admin")
    html = client.get(f"/map?indicator=clean_heating&{Q1}&lang=en").get_data(as_text=True)
    assert '<select name="county">' in html and f'<option value="{ps.A}"' in html
    chosen = client.get(f"/map?indicator=clean_heating&{Q1}&county={ps.B}").get_data(as_text=True)
    township_options = re.findall(r'<option value="(\d{9})"', chosen)
    assert township_options == [ps.B1, ps.B2]  # the townships of that county
    # no village of the province has a location: all of county B's are listed beside the map
    listed = re.findall(r'<tr data-code="(\d+)">', chosen)
    assert sorted(listed) == sorted(ps.code(k) for k in ps.VILLAGES if k.startswith("b"))
    assert client.get(f"/map?county=140199&{Q1}").status_code == 400
    assert client.get(f"/map?county={ps.A}&township={ps.B1}").status_code == 400
    scoped = sign_in(province, "viewer", county=ps.B)
    own = scoped.get(f"/map?indicator=clean_heating&{Q1}").get_data(as_text=True)
    assert '<select name="county">' not in own
    assert sorted(re.findall(r'<tr data-code="(\d+)">', own)) == sorted(listed)
    assert scoped.get(f"/map?county={ps.A}").status_code == 403
    assert scoped.get(f"/map?township={ps.A1}").status_code == 403
