"""Open / overdue / closed-this-period counts per township, worked by hand, including a deadline
that passes at midnight in Hunyuan while it is still the day before in UTC.

The world (recorded 2026-11-28 12:00 in Hunyuan):
  西坊城镇 140225101: #1 straw, deadline 12-05 (default 7 days), open
                      #2 deadline 12-10, open                    ← the midnight one
                      #3 deadline 12-20, fixed and re-checked: closed 2026-12-02 10:00 Hunyuan
  蔡村镇   140225102: #4 deadline 12-01, open
                      #5 deadline 12-03, fix reported (still counts as open)
At 2026-12-10 15:59 UTC (23:59 of the 10th in Hunyuan): 西坊城镇 open 2, overdue 1 (#1), closed 1;
蔡村镇 open 2, overdue 2. At 16:00 UTC — still the 10th in UTC, already the 11th in Hunyuan — #2 is
overdue too: 西坊城镇 overdue 2.
"""

from datetime import date

from app.extensions import db
from app.models import User
from app.problems.as_of import counts_at_period_end
from app.problems.queries import villages_with_problems
from tests.problem_world import at, fix, ledger_world, recheck, record

XIFANG, CAICUN = "140225101", "140225102"


def build(seeded, make_user, auth_headers):
    world, h, client = ledger_world(seeded, make_user, auth_headers)
    ids = {}
    ids[1] = record(client, h["inspector"], world.village)["id"]
    ids[2] = record(client, h["inspector"], world.village, deadline="2026-12-10")["id"]
    ids[3] = record(client, h["inspector"], world.village, deadline="2026-12-20")["id"]
    ids[4] = record(client, h["inspector_other"], world.other_village, deadline="2026-12-01")["id"]
    ids[5] = record(client, h["inspector_other"], world.other_village, deadline="2026-12-03")["id"]
    assert fix(client, h["lead_other"], ids[5]).status_code == 200
    assert fix(client, h["township_lead"], ids[3]).status_code == 200
    at(seeded, "2026-12-02T02:00")  # 10:00 in Hunyuan
    assert recheck(client, h["inspector"], ids[3], True).status_code == 200
    return world, h, client, ids


def counts(seeded, user_id, period="2026Q4"):
    """The counts of `period` read at the county clock's now (2026Q4 is under way)."""
    with seeded.test_request_context():
        from app.clock import county_now

        actor = db.session.get(User, user_id)
        found = counts_at_period_end(actor, period, county_now(), "Asia/Shanghai")
        return {code: (c["open"], c["overdue"], c["closed"]) for code, c in found.items()}


def test_counts_per_township_across_the_hunyuan_midnight(seeded, make_user, auth_headers):
    world, h, client, ids = build(seeded, make_user, auth_headers)
    admin = world.users["county_admin"]
    at(seeded, "2026-12-10T15:59")
    assert counts(seeded, admin) == {XIFANG: (2, 1, 1), CAICUN: (2, 2, 0)}
    overdue = client.get("/api/v1/problems?overdue=true", headers=h["county_admin"]).get_json()
    assert sorted(p["id"] for p in overdue["problems"]) == [ids[1], ids[4], ids[5]]
    at(seeded, "2026-12-10T16:00")  # UTC date still 12-10; Hunyuan's is 12-11
    assert counts(seeded, admin) == {XIFANG: (2, 2, 1), CAICUN: (2, 2, 0)}
    doc = client.get(f"/api/v1/problems/{ids[2]}", headers=h["inspector"]).get_json()
    assert doc["overdue"] is True
    # A lead sees their own township only.
    assert counts(seeded, world.users["township_lead"]) == {XIFANG: (2, 2, 1)}


def test_closed_counts_only_inside_the_period(seeded, make_user, auth_headers):
    """#3 was closed 2026-12-02 10:00 Hunyuan (02:00 UTC): in 2026Q4, and in 2027Q1 (read on
    2027-01-05) it is closed but not closed in that period; nothing was recorded in 2026Q3."""
    world, h, client, ids = build(seeded, make_user, auth_headers)
    admin = world.users["county_admin"]
    assert counts(seeded, admin)[XIFANG][2] == 1
    at(seeded, "2027-01-05T04:00")
    # every deadline (12-01 … 12-20) has passed by 2027-01-05: all four not closed are overdue
    assert counts(seeded, admin, "2027Q1") == {XIFANG: (2, 2, 0), CAICUN: (2, 2, 0)}
    assert counts(seeded, admin, "2026Q3") == {}


def test_villages_with_open_or_overdue_problems(seeded, make_user, auth_headers):
    world, h, client, ids = build(seeded, make_user, auth_headers)
    with seeded.test_request_context():
        actor = db.session.get(User, world.users["county_admin"])
        assert villages_with_problems(actor, date(2026, 12, 1)) == {
            world.village: "open",
            world.other_village: "open",
        }
        assert villages_with_problems(actor, date(2026, 12, 2)) == {
            world.village: "open",
            world.other_village: "overdue",  # #4's deadline 12-01 has passed
        }
