"""Where people meet the ledger: the pages without JavaScript (record, report the fix, re-check),
the 待办 page per role, the dashboard's counts per township, the map's problem layer, and the
ledger's CSV/XLSX export (formula-safe)."""

import io
import re
import uuid
import zipfile

from app.extensions import db
from app.models import Problem
from tests.map_helpers import payload as map_payload
from tests.map_helpers import villages_of
from tests.problem_world import at, ledger_world, record
from tests.problems.test_problem_counts import CAICUN, XIFANG
from tests.problems.test_problem_counts import build as counts_world
from tests.review_world import HOSTILE, payload, sign_in

HAICUN = "140225100216"  # 海村, 永安镇: a village with a known location


def test_the_pages_run_the_cycle_without_javascript(seeded, make_user, auth_headers):
    world, h, client = ledger_world(seeded, make_user, auth_headers)
    inspector, lead = sign_in(seeded, "insp"), sign_in(seeded, "lead")
    form = inspector.get(f"/problems/new?village={world.village}").get_data(as_text=True)
    assert f'<option value="{world.village}" selected>' in form
    assert "秸秆露天焚烧 (7 天内整改)" in form
    body = {
        "client_uuid": str(uuid.uuid4()),
        "village_code": world.village,
        "category": "coal_reburning",
        "description": "散煤复烧",
        "responsible": "township",
    }
    assert inspector.post("/problems/new", data=dict(body, description="")).status_code == 422
    saved = inspector.post("/problems/new", data=body)
    assert saved.status_code == 303
    problem_id = int(saved.headers["Location"].rsplit("/", 1)[1])
    page = inspector.get(f"/problems/{problem_id}").get_data(as_text=True)
    assert 'data-status="open"' in page and 'id="deadline">2026-12-05<' in page
    assert 'id="fix-form"' not in page  # an inspector does not report fixes
    assert (
        lead.post(f"/problems/{problem_id}/report-fix", data={"note": "已停用"}).status_code == 303
    )
    assert (
        inspector.post(f"/problems/{problem_id}/recheck", data={"result": "failed"}).status_code
        == 303
    )
    with seeded.app_context():
        assert db.session.get(Problem, problem_id).status == "fix_reported"  # refused: no note
    inspector.post(
        f"/problems/{problem_id}/recheck",
        data={"result": "failed", "note": "仍在烧", "new_deadline": "2026-12-31"},
    )
    lead.post(f"/problems/{problem_id}/report-fix", data={"note": "已拆除"})
    closed = inspector.post(
        f"/problems/{problem_id}/recheck", data={"result": "passed"}, follow_redirects=True
    ).get_data(as_text=True)
    assert 'role="status">已销号</p>' in closed
    assert len(re.findall(r'<li data-kind="', closed)) == 5
    assert sign_in(seeded, "lead_o").get(f"/problems/{problem_id}").status_code == 404
    assert sign_in(seeded, "viewer").get("/problems").status_code == 403


def test_the_todo_page_per_role(seeded, make_user, auth_headers):
    world, h, client, ids = counts_world(seeded, make_user, auth_headers)
    # 2026-12-02 in Hunyuan: nothing of 西坊城镇 is overdue yet; #1 and #2 wait for its fix.
    before = sign_in(seeded, "lead").get("/todo").get_data(as_text=True)
    to_fix = before[before.index('id="to-fix"') :]
    assert re.findall(r'id="todo-problem-(\d+)"', to_fix) == [str(ids[1]), str(ids[2])]
    assert re.findall(r'id="todo-problem-(\d+)"', before[: before.index('id="to-fix"')]) == []
    at(seeded, "2026-12-10T16:00")  # the 11th in Hunyuan: #1, #2, #4, #5 overdue
    inspection = client.post(
        "/api/v1/inspections", json=payload(world.village), headers=h["inspector"]
    ).get_json()
    # 蔡村镇's inspector: #5 (fix reported) waits for a re-check.
    other = sign_in(seeded, "insp_o").get("/todo").get_data(as_text=True)
    assert re.findall(r'id="todo-problem-(\d+)"', other) == [str(ids[5])]
    # 西坊城镇's lead: the inspection to review, and #1 and #2 overdue.
    lead = sign_in(seeded, "lead").get("/todo").get_data(as_text=True)
    assert f'href="/review/{inspection["id"]}"' in lead
    assert re.findall(r'id="todo-problem-(\d+)"', lead) == [str(ids[1]), str(ids[2])]
    assert "待本乡镇整改的问题 (0)" in lead  # both are overdue now, listed above
    # The county admin: the overdue ones by township.
    admin = sign_in(seeded, "admin").get("/todo").get_data(as_text=True)
    assert re.findall(r"<h3>(\S+) \((\d+)\)</h3>", admin) == [("蔡村镇", "2"), ("西坊城镇", "2")]
    assert sign_in(seeded, "viewer").get("/todo").status_code == 403


def test_the_dashboard_counts_problems_per_township(seeded, make_user, auth_headers):
    counts_world(seeded, make_user, auth_headers)
    at(seeded, "2026-12-10T16:00")
    page = sign_in(seeded, "admin").get("/dashboard/?period=2026Q4").get_data(as_text=True)

    def row(code):
        found = re.search(rf'<tr id="problems-{code}">(.*?)</tr>', page, re.S).group(1)
        return re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", found)

    assert row(XIFANG) == ["西坊城镇", "2", "2", "1"]
    assert row(CAICUN) == ["蔡村镇", "2", "2", "0"]
    # Every problem was recorded in 2026Q4 (11-28): 2026Q3, read at its end, had none.
    earlier = sign_in(seeded, "admin").get("/dashboard/?period=2026Q3").get_data(as_text=True)
    assert 'id="problems-' not in earlier


def test_the_map_marks_villages_with_open_or_overdue_problems(seeded, make_user, auth_headers):
    world, h, client = ledger_world(seeded, make_user, auth_headers)
    record(client, h["county_admin"], HAICUN, deadline="2026-12-10")
    admin = sign_in(seeded, "admin")
    url = "/map?indicator=manure_utilisation&period=2026Q4"
    data = map_payload(admin.get(url).get_data(as_text=True))
    codes = list(villages_of(data))
    assert [codes[i] for i in data["problems"]["open"]] == [HAICUN]
    assert data["problems"]["overdue"] == []
    at(seeded, "2026-12-10T16:00")
    only = admin.get(url + "&problems=1").get_data(as_text=True)
    data = map_payload(only)
    assert list(villages_of(data)) == [HAICUN]
    assert data["problems"] == {"open": [], "overdue": [0]}
    assert "1 个村有未销号问题，其中 1 个已逾期" in only


def test_the_ledger_exports_are_formula_safe(seeded, make_user, auth_headers):
    world, h, client = ledger_world(seeded, make_user, auth_headers)
    record(client, h["inspector"], world.village, description="=cmd|' /C calc'!A0")
    record(client, h["inspector"], world.village, description=HOSTILE)
    lead = sign_in(seeded, "lead")
    csv = lead.get("/problems/export.csv").get_data().decode("utf-8-sig")
    lines = csv.splitlines()
    assert lines[0].startswith("编号,乡镇,村,问题类别,问题描述,责任单位,整改期限")
    assert lines[1] == (
        "1,西坊城镇,西坊城村委会,秸秆露天焚烧,'=cmd|' /C calc'!A0,村,2026-12-05,待整改,否,insp,"
        "2026-11-28 12:00,"
    )
    assert "&lt;script&gt;" not in csv and HOSTILE in lines[2]  # text, as it was typed
    xlsx = lead.get("/problems/export.xlsx")
    assert xlsx.mimetype.endswith("spreadsheetml.sheet")
    with zipfile.ZipFile(io.BytesIO(xlsx.get_data())) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet  # no formula cell
    assert (
        sign_in(seeded, "lead_o")
        .get("/problems/export.csv")
        .get_data()
        .decode("utf-8-sig")
        .count("\n")
        == 1
    )  # the header only: another township's problems are not theirs
