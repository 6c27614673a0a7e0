"""The inspector's home (/inspect/, issue 20 finding 3): the day's tasks with their counts,
worked by hand. The county's today is 2026-11-28 (2026Q4); 西坊城镇 has 11 villages.

- 西坊城村: an inspection returned this quarter; 涧村: one waiting for review; 义家寨: one of
  2026Q3 only. Not inspected this quarter: 11 − 2 = 9 (义家寨 counts: last quarter's is not this
  quarter's). Returned to the inspector: 1.
- Problems: one in 义家寨 whose fix the lead reported (a re-check due), one still open (not a
  re-check yet), and one in 蔡村镇 fix-reported by its lead (not this inspector's township).
  Re-checks due for the inspector: 1; for the county admin (the whole county): 2.
"""

import re

from tests.problem_world import fix, record
from tests.review_world import OTHER_TOWNSHIP, make_world, payload, sign_in

XIFANGCHENG, JIANCUN, YIJIAZHAI = "140225101200", "140225101201", "140225101202"


def post(client, body, headers):
    response = client.post("/api/v1/inspections", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def task_count(html: str, task: str) -> int:
    return int(re.search(rf'id="task-{task}"[^>]*>[^<]*<span class="count">(\d+)<', html).group(1))


def test_the_home_counts_the_days_tasks(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    client = seeded.test_client()
    insp = auth_headers(world.users["inspector"])
    lead = auth_headers(world.users["township_lead"])
    returned = post(client, payload(XIFANGCHENG), insp)
    back = client.post(
        f"/api/v1/inspections/{returned}/return", json={"comment": "户数不对"}, headers=lead
    )
    assert back.status_code == 200
    post(client, payload(JIANCUN), insp)
    old = payload(YIJIAZHAI)
    old["inspected_on"] = "2026-09-30"
    post(client, old, insp)
    fixed = record(client, insp, YIJIAZHAI)
    assert fix(client, lead, fixed["id"]).status_code == 200
    record(client, insp, YIJIAZHAI)  # still open
    other_insp = auth_headers(world.users["inspector_other"])
    other_lead = auth_headers(world.users["lead_other"])
    elsewhere = record(client, other_insp, world.other_village)
    assert fix(client, other_lead, elsewhere["id"]).status_code == 200
    assert world.other_village.startswith(OTHER_TOWNSHIP)

    html = sign_in(seeded, "insp").get("/inspect/").get_data(as_text=True)
    assert task_count(html, "due") == 9
    assert task_count(html, "returned") == 1
    assert task_count(html, "rechecks") == 1
    assert 'id="task-problem"' in html and 'href="/problems/new"' in html
    assert 'id="task-todo"' in html and 'href="/todo#rechecks"' in html
    # The queue's place is drawn by the server, not hidden and revealed later.
    assert '<section id="queue-status" aria-live="polite" data-username="insp">' in html
    # The menu reaches the inspector's other pages from here.
    menu = html[html.index('<details class="site-menu"') : html.index("</details>")]
    for label in ("待办", "记录问题", "整改台账", "修改密码", "我的检查"):
        assert f">{label}</a>" in menu

    admin = sign_in(seeded, "admin").get("/inspect/").get_data(as_text=True)
    assert task_count(admin, "rechecks") == 2
    assert 'id="task-returned"' not in admin  # nothing returned to the admin


def test_nothing_returned_means_no_returned_task(seeded, make_user):
    make_world(seeded, make_user)
    html = sign_in(seeded, "insp").get("/inspect/").get_data(as_text=True)
    assert task_count(html, "due") == 11
    assert task_count(html, "rechecks") == 0
    assert 'id="task-returned"' not in html
