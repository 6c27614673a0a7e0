"""The dashboard, the bulletin and the map open on the last complete quarter (issue 20, finding
10), named as a reader names it; the picker still offers the quarter under way.

The scenario's clock is 2026-11-20 in Hunyuan: the quarter under way is 2026Q4, the last complete
one 2026Q3 (2026年第三季度). Its three inspections are in 2026Q4, so 2026Q3's county card reads
no rate and 0 of 213 villages reported.
"""

import re
from datetime import date

import pytest

from app.periods import last_complete_quarter, period_name
from tests import dashboard_scenario as sc
from tests.dashboard_scenario import login


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2026, 11, 20), "2026Q3"),
        (date(2026, 10, 1), "2026Q3"),
        (date(2026, 9, 30), "2026Q2"),
        (date(2027, 1, 1), "2026Q4"),
        (date(2026, 2, 15), "2025Q4"),
    ],
)
def test_the_last_complete_quarter(day, quarter):
    assert last_complete_quarter(day) == quarter


def test_period_names():
    assert period_name("2026Q3") == "2026年第三季度"
    assert period_name("2025Q4") == "2025年第四季度"
    assert period_name("2026") == "2026年"
    assert period_name("2026Q1", "en") == "2026 Q1"


@pytest.fixture
def scenario(seeded):
    inspector = sc.quick_user(seeded, "inspector", township=sc.YONGAN, username="wang")
    sc.build(seeded, inspector)
    return seeded


def selected(html: str) -> str:
    picker = html.split('<select id="period"')[1].split("</select>")[0]
    return picker.split(" selected>")[1].split("<")[0]


def test_the_dashboard_opens_on_the_last_complete_quarter(scenario, client):
    login(client, "viewer")
    html = client.get("/dashboard/").get_data(as_text=True)
    assert "<h1>浑源县 · 2026年第三季度</h1>" in html
    assert selected(html) == "2026年第三季度"
    assert '<option value="2026Q4">2026年第四季度</option>' in html  # still offered
    text = re.sub(r"<[^>]*>", "", html)  # what a reader sees: codes stay in links only
    assert "2026Q3" not in text and "2026Q4" not in text


def test_the_bulletin_opens_on_the_last_complete_quarter_with_a_picker(scenario, client):
    login(client, "viewer")
    html = client.get("/dashboard/bulletin").get_data(as_text=True)
    assert "季度通报 · 2026年第三季度" in html
    assert selected(html) == "2026年第三季度"
    assert '<option value="2026Q4">2026年第四季度</option>' in html
    chosen = client.get("/dashboard/bulletin?period=2026Q4").get_data(as_text=True)
    assert selected(chosen) == "2026年第四季度"


def test_the_map_opens_on_the_last_complete_quarter(scenario, client):
    login(client, "viewer")
    html = client.get("/map").get_data(as_text=True)
    assert '<option value="2026Q3" selected>2026年第三季度</option>' in html


def test_an_empty_dashboard_says_how_to_load_the_demo_data(seeded, client):
    """Issue 20, finding 17: no inspection stored at all → the command, once there is one → no
    hint."""
    login(client, "viewer")
    hint = "想先用演示数据看看，请在服务器上运行：.venv/bin/flask --app wsgi demo-data"
    assert hint in client.get("/dashboard/").get_data(as_text=True)
    inspector = sc.quick_user(seeded, "inspector", township=sc.YONGAN, username="wang")
    sc.build(seeded, inspector)
    html = client.get("/dashboard/").get_data(as_text=True)
    assert 'id="empty-hint"' not in html
