"""The trends page (issue 15): eight quarters of one indicator with each value written on the
chart, the target and the path drawn, and the same numbers in a table.

One plain village of 永安镇 reports clean heating: 2022Q1 600 of 1000 households (60.0 %),
2022Q2 700 of 1000 (70.0 %). The plan's path from 33.9 % (2020-12-31) to 100 % (2023-12-31):
2022Q1 ends 2022-03-31, 455 of 1095 days: 0.339 + 0.661 × 455/1095 = 61.4 % → behind the path;
2022Q2 ends 2022-06-30, 546 days: 66.9 % → on track (70.0 % ≥ 66.9 %).
"""

import re
from datetime import UTC, date, datetime

import pytest

from app.extensions import db
from app.rollups.reports import trend
from app.views.dashboard.trend_chart import trend_chart
from tests.dashboard_scenario import login
from tests.rollup_helpers import add_inspection, judge_any_coverage, set_zone

VILLAGE, YONGAN = "140225100201", "140225100"


@pytest.fixture
def world(seeded, make_user):
    seeded.config["CLOCK"] = lambda: datetime(2022, 5, 15, 4, 0, tzinfo=UTC)
    uid = make_user("county_admin")
    with seeded.app_context():
        set_zone(VILLAGE, "plain")
        add_inspection(uid, VILLAGE, date(2022, 2, 1), 1000, heating={"central": 600})
        add_inspection(uid, VILLAGE, date(2022, 5, 1), 1000, heating={"central": 700})
        db.session.commit()
        judge_any_coverage()  # the path's statuses, whatever the county's coverage
    return seeded


def rows(html: str, key: str) -> dict[str, dict[str, str]]:
    table = re.search(rf'<table [^>]*id="trend-table-{key}">(.*?)</table>', html, re.S).group(1)
    out = {}
    for quarter, body in re.findall(r'<tr data-quarter="(\w+)">(.*?)</tr>', table, re.S):
        cells = re.findall(r'data-col="(\w+)">(.*?)</td>', body, re.S)
        out[quarter] = {k: " ".join(re.sub(r"<[^>]+>", " ", v).split()) for k, v in cells}
    return out


def test_the_county_trend_table_and_chart_hold_each_quarter(world, client):
    login(client, "viewer")
    html = client.get("/dashboard/trends?period=2022Q2&lang=en").get_data(as_text=True)
    heating = rows(html, "clean_heating")
    assert list(heating)[0] == "2020Q3" and len(heating) == 8
    assert heating["2022Q1"] == {
        "rate": "60.0%",
        "target": "100.0%",
        "path": "61.4%",
        "progress": "Behind the path",
    }
    assert heating["2022Q2"] == {
        "rate": "70.0%",
        "target": "100.0%",
        "path": "66.9%",
        "progress": "On track",
    }
    assert heating["2021Q2"]["rate"] == "—"
    chart = html.split('id="trend-clean_heating"')[1].split("</figure>")[0]
    values = re.findall(r'class="chart-value"[^>]*>([^<]+)</text>', chart)
    assert values == ["60.0%", "70.0%"]  # each quarter's value written on the chart
    assert 'class="chart-path"' in chart and 'class="chart-target"' in chart


def test_a_township_trend_and_the_scope(world, client):
    login(client, "township_lead", township="140225101")
    own = client.get("/dashboard/trends?period=2022Q2&township=140225101")
    assert own.status_code == 200
    assert client.get(f"/dashboard/trends?township={YONGAN}").status_code == 403


def test_the_chart_draws_no_path_when_it_is_the_target():
    with_path = [("2026Q1", type("R", (), {"rate": 0.5, "target": 0.8, "path_expected": 0.8})())]
    svg = trend_chart(with_path, "t")
    assert 'class="chart-path"' not in svg and ">50.0%</text>" in svg


def test_trend_series_carry_the_path(world):
    with world.app_context():
        series = dict(trend("clean_heating", "township", YONGAN, ["2022Q1", "2022Q2"]))
    assert series["2022Q1"].path_expected == pytest.approx(0.339 + 0.661 * 455 / 1095)
    assert (series["2022Q1"].path_status, series["2022Q2"].path_status) == (
        "behind_path",
        "on_track",
    )
