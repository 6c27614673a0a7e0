"""A correction edits the inspection it corrects: the PUT's base revision (stale → 409 with both
versions, a retry of a stored correction → 200), untouched sections kept and removed only when
asked, the web form's /inspect/edit/<id> doing the same, a rescue file's edit entries, and the
GPS flags judged again whenever an edit moves or removes the position."""

import json
import re

import pytest

from app.extensions import db
from app.models import Inspection, InspectionFlag, InspectionRevision
from tests.offline_helpers import HAICUN_LAT, HAICUN_LON, YONGAN
from tests.offline_helpers import payload as offline_payload
from tests.review_world import make_world, payload, sign_in

MANURE = {"produced_t": 10.0, "utilised_t": 7.5}


@pytest.fixture
def world(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    world.headers = {k: auth_headers(v, lang="en") for k, v in world.users.items()}
    world.client = seeded.test_client()
    return world


def create(world, **kwargs):
    body = payload(world.village, **kwargs)
    answer = world.client.post("/api/v1/inspections", json=body, headers=world.headers["inspector"])
    assert answer.status_code == 201, answer.json
    return body, answer.get_json()["id"]


def put(world, inspection_id, body, who="inspector"):
    return world.client.put(
        f"/api/v1/inspections/{inspection_id}", json=body, headers=world.headers[who]
    )


def revision_count(app, inspection_id):
    with app.app_context():
        return db.session.scalar(
            db.select(db.func.count())
            .select_from(InspectionRevision)
            .where(InspectionRevision.inspection_id == inspection_id)
        )


def test_with_a_base_revision_a_missing_section_is_unchanged(world):
    body, inspection_id = create(world)
    fix = dict(body, households=130, base_revision=1)
    fix["sections"] = {"sewage": dict(body["sections"]["sewage"], households_treated=45)}
    answer = put(world, inspection_id, fix)
    assert answer.status_code == 200, answer.json
    doc = answer.get_json()
    assert (doc["households"], doc["revision"]) == (130, 2)
    # manure was not sent: kept as it was, not dropped
    assert doc["sections"]["manure"] == MANURE
    assert doc["sections"]["sewage"]["households_treated"] == 45

    # removed only when asked; the base is now revision 2
    removal = dict(body, households=130, base_revision=2, remove_sections=["manure"])
    del removal["sections"]  # no sections at all: every one unchanged but the removed one
    doc = put(world, inspection_id, removal).get_json()
    assert (doc["revision"], sorted(doc["sections"])) == (3, ["sewage"])
    assert doc["sections"]["sewage"]["households_treated"] == 45


def test_without_a_base_revision_a_put_replaces_the_body_as_before(world):
    body, inspection_id = create(world)
    whole = dict(body, households=110)
    del whole["sections"]["manure"]
    doc = put(world, inspection_id, whole).get_json()
    assert (doc["revision"], sorted(doc["sections"])) == (2, ["sewage"])


def test_a_stale_base_is_refused_with_both_versions_and_loses_neither(world):
    body, inspection_id = create(world)
    # the county admin corrects the households meanwhile (revision 2) ...
    theirs = dict(body, households=150, base_revision=1)
    assert put(world, inspection_id, theirs, who="county_admin").status_code == 200
    # ... and the inspector's correction, made from revision 1, arrives
    mine = dict(body, notes="septic tanks counted again", base_revision=1)
    mine["sections"] = {"sewage": dict(body["sections"]["sewage"], households_treated=41)}
    answer = put(world, inspection_id, mine)
    assert answer.status_code == 409
    conflict = answer.get_json()
    assert conflict["error"]["code"] == "stale_revision"
    assert conflict["base_revision"] == 1
    assert (conflict["stored"]["revision"], conflict["stored"]["households"]) == (2, 150)
    assert conflict["stored"]["sections"]["sewage"]["households_treated"] == 40
    yours = conflict["yours"]
    assert (yours["households"], yours["notes"]) == (100, "septic tanks counted again")
    assert yours["sections"]["sewage"]["households_treated"] == 41
    assert yours["sections"]["manure"] == MANURE  # the untouched section, as of revision 1
    assert revision_count(world.client.application, inspection_id) == 2

    # the inspector, having seen both, saves from revision 2: stored
    again = dict(mine, base_revision=2, households=150)
    doc = put(world, inspection_id, again).get_json()
    assert (doc["revision"], doc["households"], doc["notes"]) == (3, 150, mine["notes"])


def test_a_correction_retried_after_its_answer_was_lost_is_answered_as_stored(world):
    body, inspection_id = create(world)
    fix = dict(body, households=120, base_revision=1)
    fix["sections"] = {}
    assert put(world, inspection_id, fix).status_code == 200
    retry = put(world, inspection_id, fix)  # the phone never heard the first answer
    assert (retry.status_code, retry.get_json()["revision"]) == (200, 2)
    assert revision_count(world.client.application, inspection_id) == 2
    # and still after someone else's later change
    theirs = put(world, inspection_id, dict(body, households=99), who="county_admin")
    assert theirs.status_code == 200
    assert put(world, inspection_id, fix).status_code == 200
    assert revision_count(world.client.application, inspection_id) == 3


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        ({"base_revision": 2}, "base_revision"),
        ({"base_revision": 0}, "base_revision"),
        ({"base_revision": "1"}, "base_revision"),
        ({"base_revision": 1, "remove_sections": ["sewage"]}, "sections.sewage"),
        ({"remove_sections": ["kitchen"]}, "remove_sections.0"),
    ],
)
def test_bad_correction_keys_are_422(world, extra, path):
    body, inspection_id = create(world)
    answer = put(world, inspection_id, dict(body, **extra))
    assert answer.status_code == 422
    assert path in answer.get_json()["errors"]
    assert revision_count(world.client.application, inspection_id) == 1


def test_an_approved_inspection_is_refused_before_its_base_is_judged(world):
    body, inspection_id = create(world)
    lead = world.headers["township_lead"]
    approve = world.client.post(f"/api/v1/inspections/{inspection_id}/approve", headers=lead)
    assert approve.status_code == 200
    answer = put(world, inspection_id, dict(body, households=1, base_revision=1))
    assert (answer.status_code, answer.get_json()["error"]["code"]) == (409, "status")


# ---- the web form ------------------------------------------------------------------------


def form_post(page_html: str, **changes) -> dict:
    """The inputs a browser would post from the page, with `changes` typed over them."""
    data = {}
    for match in re.finditer(r"<input ([^>]*)>", page_html):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', match.group(1)))
        name = attrs.get("name")
        unticked = attrs.get("type") in ("checkbox", "radio") and "checked" not in match.group(1)
        if not name or unticked:
            continue
        data[name] = attrs.get("value", "")
    for match in re.finditer(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', page_html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', match.group(2))
        data[match.group(1)] = chosen.group(1) if chosen else ""
    data.update(changes)
    return data


def test_the_correction_form_keeps_untouched_sections_and_removes_only_when_ticked(world):
    body, inspection_id = create(world)
    app = world.client.application
    browser = sign_in(app, "insp")
    page = browser.get(f"/inspect/edit/{inspection_id}?lang=en").get_data(as_text=True)
    assert 'name="base_revision" value="1"' in page
    assert f'data-edit-id="{inspection_id}"' in page
    assert 'value="manure"' in page  # its "remove this section" box
    # the phone's form blanked manure (as a stale draft did): kept, not dropped
    blanked = form_post(page, households="101")
    blanked.update({"sections.manure.produced_t": "", "sections.manure.utilised_t": ""})
    answer = browser.post(f"/inspect/edit/{inspection_id}", data=blanked)
    assert answer.status_code == 303
    with app.app_context():
        current = db.session.get(Inspection, inspection_id).revisions[-1].payload
    assert (current["households"], current["sections"]["manure"]) == (101, MANURE)

    page = browser.get(f"/inspect/edit/{inspection_id}").get_data(as_text=True)
    ticked = form_post(page, remove_sections="manure")
    assert browser.post(f"/inspect/edit/{inspection_id}", data=ticked).status_code == 303
    with app.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        assert sorted(inspection.revisions[-1].payload["sections"]) == ["sewage"]
        assert len(inspection.revisions) == 3
        assert {a.section for a in inspection.answers} == {"profile", "sewage"}


# ---- GPS flags after an edit -------------------------------------------------------------


def test_an_edit_that_moves_or_removes_the_fix_judges_it_again(seeded, make_user, auth_headers):
    inspector = auth_headers(make_user("inspector", township=YONGAN))
    client = seeded.test_client()
    near = offline_payload(location={"lat": HAICUN_LAT + 0.001, "lon": HAICUN_LON})
    inspection_id = client.post("/api/v1/inspections", json=near, headers=inspector).json["id"]

    def flags():
        with seeded.app_context():
            rows = db.session.execute(
                db.select(InspectionFlag).where(InspectionFlag.inspection_id == inspection_id)
            ).scalars()
            return {f.kind: f.distance_m for f in rows}

    assert flags() == {}
    # moved 0.02° north: R × 0.02 × π/180 = 2223.9 m from 海村, over the 2000 m limit
    far = dict(near, location={"lat": HAICUN_LAT + 0.02, "lon": HAICUN_LON})
    url = f"/api/v1/inspections/{inspection_id}"
    assert client.put(url, json=far, headers=inspector).status_code == 200
    assert flags() == {"far_from_village": pytest.approx(2223.9, abs=0.2)}
    # then to Beijing: outside the county too
    beijing = dict(near, location={"lat": 39.909, "lon": 116.397})
    assert client.put(url, json=beijing, headers=inspector).status_code == 200
    assert set(flags()) == {"far_from_village", "outside_county"}
    # the fix removed: no flag is left about a position that is gone
    nofix = {k: v for k, v in near.items() if k != "location"}
    assert client.put(url, json=nofix, headers=inspector).status_code == 200
    assert flags() == {}


def test_the_flags_page_answers_for_an_inspection_without_a_position(
    seeded, make_user, auth_headers
):
    """On main, removing a flagged fix by PUT left its flag behind, and /inspect/flags answered
    500 formatting the missing position. A flag row whose inspection has no position (e.g. from
    before this fix) is listed without one."""
    inspector = auth_headers(make_user("inspector", township=YONGAN))
    client = seeded.test_client()
    far = offline_payload(location={"lat": 39.909, "lon": 116.397})
    inspection_id = client.post("/api/v1/inspections", json=far, headers=inspector).json["id"]
    nofix = {k: v for k, v in far.items() if k != "location"}
    url = f"/api/v1/inspections/{inspection_id}"
    assert client.put(url, json=nofix, headers=inspector).status_code == 200
    make_user("township_lead", township=YONGAN, username="lead", password="pw-lead-12345")
    client.post("/login", data={"username": "lead", "password": "pw-lead-12345"})
    page = client.get("/inspect/flags")
    assert page.status_code == 200
    assert "data-kind" not in page.get_data(as_text=True)
    with seeded.app_context():  # a leftover flag from before: still no 500
        from app.clock import utc_now

        db.session.add(
            InspectionFlag(inspection_id=inspection_id, kind="outside_county", created_at=utc_now())
        )
        db.session.commit()
    page = client.get("/inspect/flags")
    assert page.status_code == 200 and 'data-kind="outside_county"' in page.get_data(as_text=True)


# ---- rescue file -------------------------------------------------------------------------


def test_a_rescue_edit_entry_corrects_and_never_creates(world, runner, tmp_path):
    body, inspection_id = create(world)
    fix = dict(body, households=133)
    fix["sections"] = {}
    entry = {
        "client_uuid": body["client_uuid"],
        "kind": "edit",
        "inspection_id": inspection_id,
        "base_revision": 1,
        "remove_sections": [],
        "payload": fix,
        "photos": [],
    }
    # an old phone's file without `kind`, holding the whole corrected version: a replay
    legacy = {"client_uuid": body["client_uuid"], "payload": dict(body, households=133)}
    path = tmp_path / "rescue.json"
    document = {"format": "cunjian-rescue", "version": 1, "username": "insp", "entries": [entry]}
    path.write_text(json.dumps(document))
    app = world.client.application
    for _ in range(2):  # imported twice: one correction
        result = runner.invoke(args=["import-rescue", str(path)])
        assert "corrections: 1 stored" in result.output, result.output
    path.write_text(json.dumps(dict(document, entries=[legacy])))
    result = runner.invoke(args=["import-rescue", str(path)])
    assert "0 stored, 1 already there" in result.output  # a replay of revision 2, nothing new
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Inspection)) == 1
        inspection = db.session.get(Inspection, inspection_id)
        assert len(inspection.revisions) == 2
        assert inspection.revisions[-1].payload["households"] == 133
        assert inspection.revisions[-1].payload["sections"]["manure"] == MANURE
