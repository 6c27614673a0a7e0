"""The stale-edit page merges (issue 20, finding 6): it says who changed what and when, keeps
the other person's changes unless the inspector changed the same field, asks only about the
fields both changed (no default choice), and never shows their values as the inspector's.

Revision 1 (the inspector): 100 households, manure 10 t produced. The county admin then stores
revision 2: 150 households, 12 t produced. The inspector, still on revision 1, types 104
households: households is the one conflict; 12 t is theirs, kept.
"""

import re

from app.extensions import db
from app.models import Inspection
from tests.inspections.test_corrections import create, form_post, put, revision_count
from tests.inspections.test_corrections import world as world  # noqa: F401 (the fixture)
from tests.review_world import sign_in


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _stale_page(world, **typed):
    body, inspection_id = create(world)
    app = world.client.application
    browser = sign_in(app, "insp")
    page = browser.get(f"/inspect/edit/{inspection_id}").get_data(as_text=True)
    theirs = dict(body, households=150, base_revision=1)
    theirs["sections"] = dict(body["sections"], manure={"produced_t": 12.0, "utilised_t": 7.5})
    assert put(world, inspection_id, theirs, who="county_admin").status_code == 200
    answer = browser.post(f"/inspect/edit/{inspection_id}", data=form_post(page, **typed))
    return app, browser, inspection_id, answer


def test_the_page_says_who_changed_what_and_asks_only_about_the_overlap(world):
    app, browser, inspection_id, answer = _stale_page(world, households="104")
    assert answer.status_code == 409
    html = answer.get_data(as_text=True)
    theirs = _text(re.search(r'<ul id="their-changes">(.*?)</ul>\s*</li>', html, re.S).group(1))
    assert theirs.startswith("第 2 版 · admin · ")  # then the time, in the county's clock
    assert theirs.endswith("户数：100 户 → 150 户 畜禽粪污 · 粪污产生量：10 吨 → 12 吨")
    # Their 12 t is in the form (kept); the inspector's 104 too; only households is asked.
    assert 'name="sections.manure.produced_t"' in html
    assert re.search(r'name="sections\.manure\.produced_t"[^>]*value="12"', html)
    assert re.search(r'name="households"[^>]*value="104"', html)
    rows = re.findall(r'<tr data-path="([^"]+)">(.*?)</tr>', html, re.S)
    assert [path for path, _row in rows] == ["households"]
    cells = dict(re.findall(r'<td class="(theirs|mine)">(.*?)</td>', rows[0][1], re.S))
    assert (_text(cells["theirs"]), _text(cells["mine"])) == ("150 户", "104 户")
    assert "checked" not in rows[0][1]  # no default: nothing is reverted by one tap
    assert 'name="base_revision" value="1"' in html
    assert revision_count(app, inspection_id) == 2

    # Saved without a choice: asked again, nothing stored.
    again = browser.post(f"/inspect/edit/{inspection_id}", data=form_post(html))
    assert again.status_code == 409
    assert revision_count(app, inspection_id) == 2

    # Choosing theirs for households: 150 stays, and their 12 t too.
    chosen = browser.post(
        f"/inspect/edit/{inspection_id}", data=form_post(html, **{"resolve.households": "theirs"})
    )
    assert chosen.status_code == 303
    with app.app_context():
        stored = db.session.get(Inspection, inspection_id).revisions[-1].payload
    assert stored["households"] == 150
    assert stored["sections"]["manure"]["produced_t"] == 12.0
    assert revision_count(app, inspection_id) == 2  # theirs everywhere: nothing new to store


def test_choosing_mine_keeps_mine_and_their_other_change(world):
    app, browser, inspection_id, answer = _stale_page(world, households="104")
    html = answer.get_data(as_text=True)
    chosen = browser.post(
        f"/inspect/edit/{inspection_id}", data=form_post(html, **{"resolve.households": "mine"})
    )
    assert chosen.status_code == 303
    with app.app_context():
        stored = db.session.get(Inspection, inspection_id).revisions[-1].payload
    assert (stored["households"], stored["sections"]["manure"]["produced_t"]) == (104, 12.0)
    assert revision_count(app, inspection_id) == 3


def test_without_an_overlap_one_save_stores_both(world):
    app, browser, inspection_id, answer = _stale_page(
        world, **{"sections.sewage.households_treated": "41"}
    )
    assert answer.status_code == 409
    html = answer.get_data(as_text=True)
    assert 'id="no-conflict"' in html and "<tr data-path" not in html
    kept = _text(re.search(r'<p id="theirs-kept">(.*?)</p>', html, re.S).group(1))
    assert kept.startswith("对方的修改已保留在下面的表单中：户数、")
    # their households is in the form, never shown as the inspector's
    assert re.search(r'name="households"[^>]*value="150"', html)
    saved = browser.post(f"/inspect/edit/{inspection_id}", data=form_post(html))
    assert saved.status_code == 303
    with app.app_context():
        stored = db.session.get(Inspection, inspection_id).revisions[-1].payload
    assert stored["households"] == 150
    assert stored["sections"]["manure"]["produced_t"] == 12.0
    assert stored["sections"]["sewage"]["households_treated"] == 41


def test_the_api_answers_the_merge_with_its_409(world):
    body, inspection_id = create(world)
    theirs = dict(body, households=150, base_revision=1)
    assert put(world, inspection_id, theirs, who="county_admin").status_code == 200
    mine = dict(body, notes="counted again", base_revision=1)
    mine["sections"] = {"sewage": dict(body["sections"]["sewage"], households_treated=41)}
    answer = put(world, inspection_id, mine)
    assert answer.status_code == 409
    merge = answer.get_json()["merge"]
    assert merge["theirs_kept"] == ["households"]
    assert merge["yours_kept"] == ["notes", "sections.sewage.households_treated"]
    assert merge["conflicts"] == []
    merged = merge["merged"]
    assert (merged["households"], merged["notes"]) == (150, "counted again")
    assert merged["sections"]["sewage"]["households_treated"] == 41
    # PUT as the merge says, on the stored revision: stored, their 150 kept
    stored = put(world, inspection_id, dict(merged, base_revision=2))
    assert stored.status_code == 200
    assert (stored.get_json()["households"], stored.get_json()["revision"]) == (150, 3)


def test_a_change_stored_after_the_merge_page_is_shown_before_anything_is_saved(world):
    app, browser, inspection_id, answer = _stale_page(
        world, **{"sections.sewage.households_treated": "41"}
    )
    html = answer.get_data(as_text=True)
    assert 'name="merging" value="2"' in html
    # the county admin changes it once more (revision 3) while the page is open
    with app.app_context():
        latest = dict(db.session.get(Inspection, inspection_id).revisions[-1].payload)
    latest["notes"] = "第三次修改"
    assert put(world, inspection_id, latest, who="county_admin").status_code == 200
    again = browser.post(f"/inspect/edit/{inspection_id}", data=form_post(html))
    assert again.status_code == 409  # shown again, with revision 3, not stored unseen
    page = again.get_data(as_text=True)
    assert '<li id="revision-3">' not in page and "第 3 版 · admin" in _text(page)
    assert 'name="merging" value="3"' in page
    assert revision_count(app, inspection_id) == 3
