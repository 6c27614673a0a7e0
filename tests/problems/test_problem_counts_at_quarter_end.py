"""The bulletin's problem counts are the ledger's state at the quarter's end in Hunyuan (UTC+8),
read back from the steps, worked by hand across the county's midnight.

Q3 2026 ends at 2026-10-01 00:00 in Hunyuan = 2026-09-30 16:00 UTC.
  西坊城镇 140225101: A recorded 09-20, deadline 09-25, open          → Q3 open, overdue
                      B recorded 09-30 15:59 UTC (23:59 Hunyuan), deadline 09-30, open
                                                                      → Q3 open, not overdue
                      E recorded 09-30 16:10 UTC (10-01 00:10 Hunyuan; UTC date still 09-30),
                        deadline 10-08 (7 days)                       → not in Q3 at all
  蔡村镇   140225102: C deadline 10-10, fix reported 09-21, closed 09-30 16:30 UTC (10-01 00:30
                        Hunyuan)                                      → Q3 open; Q4 closed
                      D deadline 09-28, fix reported 09-21, closed 09-30 15:30 UTC (23:30
                        Hunyuan)                                      → Q3 closed
Q3: 西坊城镇 open 2 (A, B), overdue 1 (A), closed 0; 蔡村镇 open 1 (C), overdue 0, closed 1 (D).
Q4 read on 2026-12-10: 西坊城镇 open 3, overdue 3 (A 09-25, B 09-30, E 10-08 all passed), closed 0;
蔡村镇 open 0, overdue 0, closed 1 (C).
Today's rows (problems.status) would give Q3 蔡村镇 open 0 and 西坊城镇 open 3.
"""

import re
from datetime import UTC, datetime

from app.extensions import db
from app.models import User
from app.problems.as_of import counts_at_period_end
from tests.problem_world import at, fix, ledger_world, recheck, record
from tests.review_world import PASSWORD

XIFANG, CAICUN = "140225101", "140225102"
ZONE = "Asia/Shanghai"


def build(seeded, make_user, auth_headers):
    world, h, client = ledger_world(seeded, make_user, auth_headers)
    at(seeded, "2026-09-20T04:00")
    record(client, h["inspector"], world.village, deadline="2026-09-25")  # A
    c = record(client, h["inspector_other"], world.other_village, deadline="2026-10-10")["id"]
    d = record(client, h["inspector_other"], world.other_village, deadline="2026-09-28")["id"]
    at(seeded, "2026-09-21T04:00")
    assert fix(client, h["lead_other"], c).status_code == 200
    assert fix(client, h["lead_other"], d).status_code == 200
    at(seeded, "2026-09-30T15:30")
    assert recheck(client, h["inspector_other"], d, True).status_code == 200
    at(seeded, "2026-09-30T15:59")
    record(client, h["inspector"], world.village, deadline="2026-09-30")  # B
    at(seeded, "2026-09-30T16:10")
    record(client, h["inspector"], world.village)  # E, default deadline 10-08
    at(seeded, "2026-09-30T16:30")
    assert recheck(client, h["inspector_other"], c, True).status_code == 200
    at(seeded, "2026-12-10T04:00")
    return world, h, client


def counts(seeded, user_id, period, now):
    with seeded.test_request_context():
        actor = db.session.get(User, user_id)
        found = counts_at_period_end(actor, period, now, ZONE)
        return {code: (c["open"], c["overdue"], c["closed"]) for code, c in found.items()}


def test_q3_counts_are_the_state_at_the_hunyuan_quarter_end(seeded, make_user, auth_headers):
    world, _h, _client = build(seeded, make_user, auth_headers)
    admin = world.users["county_admin"]
    now = datetime(2026, 12, 10, 4, 0, tzinfo=UTC)
    assert counts(seeded, admin, "2026Q3", now) == {XIFANG: (2, 1, 0), CAICUN: (1, 0, 1)}
    assert counts(seeded, admin, "2026Q4", now) == {XIFANG: (3, 3, 0), CAICUN: (0, 0, 1)}
    # A township lead sees their own township's row only.
    assert counts(seeded, world.users["township_lead"], "2026Q3", now) == {XIFANG: (2, 1, 0)}


def test_an_unfinished_quarter_is_read_now(seeded, make_user, auth_headers):
    """On 2026-10-01 00:20 Hunyuan (09-30 16:20 UTC) Q4 is read now: C is not closed yet, and
    B (deadline 09-30) became overdue at 00:00 beside A; Q3 is already final."""
    world, _h, _client = build(seeded, make_user, auth_headers)
    admin = world.users["county_admin"]
    now = datetime(2026, 9, 30, 16, 20, tzinfo=UTC)
    assert counts(seeded, admin, "2026Q4", now) == {XIFANG: (3, 2, 0), CAICUN: (1, 0, 0)}
    assert counts(seeded, admin, "2026Q3", now) == {XIFANG: (2, 1, 0), CAICUN: (1, 0, 1)}


def test_the_bulletin_shows_the_quarter_end_counts(seeded, make_user, auth_headers):
    _world, _h, client = build(seeded, make_user, auth_headers)
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    html = client.get("/dashboard/bulletin?period=2026Q3&lang=en").get_data(as_text=True)
    table = html.split('id="problems-table"')[1].split("</table>")[0]
    rows = dict(re.findall(r'<tr data-township="(\d+)">(.*?)</tr>', table))
    cells = {code: re.findall(r'<td class="num">(\d+)</td>', row) for code, row in rows.items()}
    assert cells == {XIFANG: ["2", "1", "0"], CAICUN: ["1", "0", "1"]}
