"""The bulletin as a document a county can send (issue 20, finding 8), worked by hand.

The dashboard scenario (tests/dashboard_scenario.py) with A 当巷村 and C 西坊城村's 2026Q4
inspections approved, B 道巷村's not, and A approved in 2026Q3 with manure 50 of 100 t:
  approved only (the bulletin's default), 2026Q4:
    manure (60+90)/(100+100) = 75.0 % against 80 % → near, 5.0 points short;
      永安镇 (A) 60.0 %, 20.0 points below; 西坊城镇 (C) 90.0 % meets
    film A 4/10 = 40.0 % against 40 % → meets
    change on 2026Q3: manure 75.0 − 50.0 = +25.0 points; film "—" (none in 2026Q3)
  with the unreviewed (?scope=all): manure 420/500 = 84.0 % meets, film 10/40 = 25.0 %, 15.0 short
The other six indicators have no data: one line each, no table.
"""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.models import Inspection, Village
from tests import dashboard_scenario as sc
from tests.dashboard.test_bulletin import needs_cjk_font
from tests.dashboard_scenario import login
from tests.rollup_helpers import add_inspection

URL = f"/dashboard/bulletin?period={sc.PERIOD}"


@pytest.fixture
def scenario(seeded):
    inspector = sc.quick_user(seeded, "inspector", township=sc.YONGAN, username="wang")
    sc.build(seeded, inspector)
    with seeded.app_context():
        add_inspection(
            inspector, sc.A, date(2026, 8, 10), 200, manure={"produced_t": 100, "utilised_t": 50}
        )
        approved = [sc.A, sc.C]
        for inspection in db.session.execute(db.select(Inspection).join(Village)).scalars():
            if inspection.village.code in approved:
                inspection.status = "approved"
        db.session.commit()
    return seeded


def headline(html: str, key: str) -> list[str]:
    row = re.search(rf'<tr data-indicator="{key}">(.*?)</tr>', html, re.S).group(1)
    return re.findall(r'<td class="num"[^>]*>(.*?)</td>', row)


def section(html: str, key: str) -> str:
    return html.split(f'id="section-{key}"')[1].split("</section>")[0]


def test_approved_inspections_only_by_default_with_words_and_changes(scenario, client):
    login(client, "viewer")
    html = client.get(URL).get_data(as_text=True)
    # rate, target, gap, change on 2026Q3, expected on the path, villages reported
    assert headline(html, "manure_utilisation") == [
        "75.0%",
        "80.0%",
        "-5.0",
        "+25.0",
        "80.0%",
        "2 / 213",
    ]
    assert headline(html, "film_recovery")[:4] == ["40.0%", "40.0%", "+0.0", "—"]
    summary = html.split('id="summary-text">')[1].split("</p>")[0]
    assert "达到目标的指标：农膜回收率。" in summary
    assert "未达目标的指标：畜禽粪污综合利用率（差 5.0 个百分点）。" in summary
    assert "本期无数据的指标：农村生活污水治理率（户）、" in summary
    assert "落后乡镇：永安镇 60.0%，低于目标 20.0 个百分点。" in section(html, "manure_utilisation")
    assert "落后乡镇" not in section(html, "film_recovery")
    assert 'id="unreviewed-mark"' not in html and 'id="demo-mark"' not in html
    assert "变化均与2025年第三季度相比" not in html and "变化均与2026年第三季度相比。" in html


def test_the_unreviewed_are_included_only_when_asked_and_marked(scenario, client):
    login(client, "viewer")
    html = client.get(URL + "&scope=all").get_data(as_text=True)
    assert headline(html, "manure_utilisation")[:3] == ["84.0%", "80.0%", "+4.0"]
    assert "非正式稿：本通报的数字包含未审核的检查，不得印发。" in html
    assert "未达目标的指标：农膜回收率（差 15.0 个百分点）。" in html
    assert 'name="scope" value="all" checked' in html
    assert "scope=all" in html.split('id="bulletin-pdf"')[0].rsplit("<a ", 1)[1]


def test_an_indicator_without_data_is_one_line(scenario, client):
    login(client, "viewer")
    html = client.get(URL).get_data(as_text=True)
    straw = section(html, "straw_utilisation")
    assert "本季度无数据" in straw and "<table" not in straw
    assert html.count('class="indicator no-data"') == 6
    year = client.get("/dashboard/bulletin?period=2026").get_data(as_text=True)
    assert "本年度无数据" in section(year, "straw_utilisation")


def test_demo_data_are_marked(scenario, client):
    login(client, "viewer")
    with scenario.app_context():
        first = db.session.execute(db.select(Inspection).order_by(Inspection.id)).scalars().first()
        first.is_demo = True
        db.session.commit()
    html = client.get(URL).get_data(as_text=True)
    assert "演示数据：本通报的数字来自演示检查，不得印发。" in html


def test_the_head_comes_from_the_county_settings(scenario, client):
    login(client, "viewer")
    assert client.post("/admin/settings", data={"issuer": "x"}).status_code == 403
    html = client.get(URL).get_data(as_text=True)
    # defaults: the county's name, 〔year〕quarter号, the county's today (2026-11-20)
    assert '<p class="issuer" id="bulletin-issuer">浑源县</p>' in html
    assert '<p class="doc-number" id="bulletin-number">〔2026〕4号</p>' in html
    assert '<p class="date-line" id="bulletin-date">2026年11月20日</p>' in html
    admin = scenario.test_client()
    login(admin, "county_admin")
    form = {
        "reports_scope": "all",
        "issuer": "  浑源县农业农村局 ",
        "number": "浑农发〔{year}〕{quarter}号",
        "date_line": "2026年12月1日",
    }
    assert admin.post("/admin/settings", data=form).status_code == 303
    html = client.get(URL).get_data(as_text=True)
    assert '<p class="issuer" id="bulletin-issuer">浑源县农业农村局</p>' in html
    assert '<p class="doc-number" id="bulletin-number">浑农发〔2026〕4号</p>' in html
    assert '<p class="date-line" id="bulletin-date">2026年12月1日</p>' in html


@needs_cjk_font
def test_the_pdf_holds_the_head_and_words_and_changes_with_the_settings(scenario, client):
    login(client, "viewer")
    first = client.get(f"/dashboard/bulletin.pdf?period={sc.PERIOD}")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(first.data)).pages)
    assert "〔2026〕4号" in text and "2026年第四季度" in text
    assert "低于目标 20.0 个百分点" in text and "本季度无数据" in text
    admin = scenario.test_client()
    login(admin, "county_admin")
    admin.post(
        "/admin/settings",
        data={"reports_scope": "all", "issuer": "浑源县农业农村局", "number": "", "date_line": ""},
    )
    again = client.get(f"/dashboard/bulletin.pdf?period={sc.PERIOD}")
    assert again.data != first.data  # the cache's digest covers the head
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(again.data)).pages)
    assert "浑源县农业农村局" in text
