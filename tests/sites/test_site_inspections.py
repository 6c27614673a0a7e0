"""Site inspections (issue 23): stored once by client uuid, corrected on a base revision (409
when stale), reviewed with the village rules, refused for a closed site or one outside the
inspector's township, a coal seller's two answers enough; a failed sample opens a problem for
the site, listed by GET /api/v1/problems?site=CODE. On SQLite and PostgreSQL."""

import uuid

import pytest

from app.extensions import db
from app.models import Problem, SiteInspection
from tests.api_payloads import DATABASES, clear_activity, seeded_module_app
from tests.sites.world import OTHER_TOWNSHIP, OTHER_VILLAGE, OWN_VILLAGE, add_sites, headers, visit


@pytest.fixture(scope="module", params=DATABASES)
def county(request, tmp_path_factory):
    yield from seeded_module_app(request, tmp_path_factory)


@pytest.fixture(autouse=True)
def fresh(county):
    clear_activity(county)


@pytest.fixture
def client(county):
    return county.test_client()


@pytest.fixture
def world(county, client):
    admin = headers(county, "county_admin")
    add_sites(
        client, admin, "coal_seller", [("CS-1", OWN_VILLAGE, {}), ("CS-2", OTHER_VILLAGE, {})]
    )
    return admin


def stored(county) -> int:
    with county.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(SiteInspection))


def test_two_answers_suffice_and_a_retry_returns_the_same(county, client, world):
    inspector = headers(county, "inspector")
    key = uuid.uuid4()
    answers = {"sample_taken": True, "sample_passed": True}
    first = visit(client, inspector, "CS-1", "2026-11-20", answers, key)
    assert first.status_code == 201, first.get_json()
    again = visit(client, inspector, "CS-1", "2026-11-20", answers, key)
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    other = visit(client, inspector, "CS-1", "2026-11-21", answers, key)
    assert other.status_code == 409
    assert stored(county) == 1


def test_the_verdict_is_required_when_a_sample_was_taken(county, client, world):
    inspector = headers(county, "inspector")
    answer = visit(client, inspector, "CS-1", "2026-11-20", {"sample_taken": True})
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == {
        "answers.sample_passed": [
            "Does the sample meet GB 34169 (household loose coal)? is required"
        ]
    }
    no_sample = visit(client, inspector, "CS-1", "2026-11-20", {"sample_taken": False})
    assert no_sample.status_code == 201
    assert stored(county) == 1


def test_a_closed_site_and_a_site_of_another_township_are_refused_with_the_reason(
    county, client, world
):
    inspector = headers(county, "inspector")
    answers = {"sample_taken": False}
    outside = visit(client, inspector, "CS-2", "2026-11-20", answers)
    assert outside.status_code == 422
    assert outside.get_json()["errors"] == {
        "site_code": ["Site CS-2 does not exist or is not in your township"]
    }
    closing = client.put(
        "/api/v1/sites/CS-1",
        json={
            "name": "一号",
            "village_code": OWN_VILLAGE,
            "status": "closed",
            "closed_on": "2026-11-01",
            "closed_reason": "停业",
        },
        headers=world,
    )
    assert closing.status_code == 200
    assert closing.get_json()["status"] == "closed"
    closed = visit(client, inspector, "CS-1", "2026-11-20", answers)
    assert closed.status_code == 422
    assert closed.get_json()["errors"] == {"site_code": ["Site CS-1 is closed"]}
    assert stored(county) == 0
    # closing keeps the site, listed with its status
    listed = client.get("/api/v1/sites?kind=coal_seller", headers=world).get_json()["sites"]
    assert [(s["code"], s["status"]) for s in listed] == [("CS-1", "closed"), ("CS-2", "open")]


def test_an_edit_on_a_stale_base_is_409_and_review_follows_the_village_rules(county, client, world):
    inspector = headers(county, "inspector")
    lead = headers(county, "township_lead")
    key = str(uuid.uuid4())
    made = visit(client, inspector, "CS-1", "2026-11-20", {"sample_taken": False}).get_json()
    url = f"/api/v1/site-inspections/{made['id']}"
    body = {
        "client_uuid": made["client_uuid"],
        "site_code": "CS-1",
        "inspected_on": "2026-11-20",
        "answers": {"sample_taken": True, "sample_passed": True},
        "base_revision": 1,
    }
    edited = client.put(url, json=body, headers=inspector)
    assert (edited.status_code, edited.get_json()["revision"]) == (200, 2)
    stale = client.put(url, json={**body, "answers": {"sample_taken": False}}, headers=inspector)
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "stale_revision"
    own = client.post(f"{url}/review", json={"action": "approve"}, headers=inspector)
    assert own.status_code == 403  # an inspector does not review
    seen_old = client.post(
        f"{url}/review", json={"action": "approve", "seen_revision": 1}, headers=lead
    )
    assert seen_old.status_code == 409
    approved = client.post(
        f"{url}/review", json={"action": "approve", "seen_revision": 2}, headers=lead
    )
    assert approved.get_json()["status"] == "approved"
    locked = client.put(url, json={**body, "base_revision": 2}, headers=inspector)
    assert locked.status_code == 409
    assert key  # the uuid of a visit never made is not looked at


def test_a_failed_sample_opens_one_problem_for_the_site(county, client, world):
    inspector = headers(county, "inspector")
    key = uuid.uuid4()
    failed = {"sample_taken": True, "sample_passed": False}
    made = visit(client, inspector, "CS-1", "2026-11-20", failed, key).get_json()
    visit(client, inspector, "CS-1", "2026-11-20", failed, key)  # a retry opens nothing more
    assert len(made["problems"]) == 1
    listed = client.get("/api/v1/problems?site=CS-1", headers=world).get_json()["problems"]
    assert [(p["site_code"], p["category"], p["village_code"]) for p in listed] == [
        ("CS-1", "coal_substandard", OWN_VILLAGE)
    ]
    assert listed[0]["deadline"] == "2026-12-13"  # 28 Nov (the county's today) + 15 days
    assert client.get("/api/v1/problems?site=CS-2", headers=world).get_json()["problems"] == []
    with county.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Problem)) == 1


def test_township_roles_see_only_their_township_sites(county, client, world):
    for role in ("inspector", "township_lead"):
        mine = client.get("/api/v1/sites", headers=headers(county, role)).get_json()["sites"]
        assert [s["code"] for s in mine] == ["CS-1"]
        other = client.get(
            f"/api/v1/sites?township={OTHER_TOWNSHIP}", headers=headers(county, role)
        )
        assert other.status_code == 403
    assert client.get("/api/v1/sites", headers=headers(county, "viewer")).status_code == 403
    made = visit(
        client, headers(county, "county_admin"), "CS-2", "2026-11-20", {"sample_taken": False}
    ).get_json()
    hidden = client.get(
        f"/api/v1/site-inspections/{made['id']}", headers=headers(county, "inspector")
    )
    assert hidden.status_code == 404
    for role in ("inspector", "township_lead", "viewer"):
        add = client.post(
            "/api/v1/sites",
            json={"code": "X", "kind": "coal_seller", "name": "x", "village_code": OWN_VILLAGE},
            headers=headers(county, role),
        )
        assert add.status_code == 403
