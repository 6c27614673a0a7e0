"""The route-by-role test: every route the app registers, for every role and for an anonymous
caller, answers the refusal the declared policy promises.

Built from `app.url_map`, so a route added later is checked without touching this file, and a
route whose view declares no `@allow(...)` action fails here. URL arguments are filled in from
SAMPLE_ARGS by name (a real inspection or village of the lead's township), else by converter.

For each route and method (a fresh inspection each, so earlier calls do not change the answers):
- anonymous: 401 under /api, a redirect to the sign-in page elsewhere (public routes skipped);
- a role the POLICY table does not list for the action: 403;
- an allowed role of the *other* township on a route about one inspection or village: 404,
  because whether it exists is not theirs to know;
- an allowed role of the right township: never 401/403 (the owner inspector for inspector).

Province mode adds a second county B with its own county admin and viewer (county_id = B): on
every route about county A's units or objects they are refused like another township's roles
(and a county page of A too, which A's township roles may open), and every deployment-wide
action (targets, settings, audit, rescue import, boundaries) is refused them as well.
"""

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from app.accounts.policy import DEPLOYMENT_WIDE, POLICY
from app.extensions import db
from app.models import County, Township, User, Village
from tests.problem_world import problem_body
from tests.review_world import TOWNSHIP, make_world, password_hash, payload, session_id, sign_in

# Route arguments that name one object of the lead's township: another township's roles get 404.
# (user_id: a person of the lead's township, whom only an admin of their county manages.)
OBJECT_ARGS = frozenset(
    {"inspection_id", "client_uuid", "village_code", "user_id", "problem_id", "problem_uuid"}
    | {"site_code", "visit_id"}  # a site of the lead's township and its inspection (issue 23)
)
# Routes whose <code> names a unit of the lead's township: a sample per endpoint, and whether an
# outsider is told 404 (existence not theirs to know) or 403.
CODE_SAMPLES = {
    "dashboard.county": ("county", 403),
    "dashboard.township": ("township", 403),
    "dashboard.village": ("village", 403),
    "maps.village_location": ("village", 404),
}
ROLE_ORDER = [
    "anonymous",
    "viewer",
    "inspector_other",
    "lead_other",
    "inspector_colleague",
    "inspector",
    "township_lead",
    "county_admin",
    "county_admin_b",
    "viewer_b",
]
ROLE_OF = {
    "inspector_other": "inspector",
    "lead_other": "township_lead",
    "inspector_colleague": "inspector",
    "county_admin_b": "county_admin",
    "viewer_b": "viewer",
}
OTHER_COUNTY = ("county_admin_b", "viewer_b")
COUNTY_B, TOWNSHIP_B, VILLAGE_B = "140226", "140226100", "140226100200"


def add_county_b(app, users: dict) -> None:
    """County B (one township, one village) and its county admin and viewer."""
    with app.app_context():
        county = County(code=COUNTY_B, name="乙县")
        township = Township(code=TOWNSHIP_B, name="乙镇", kind="town", county=county)
        db.session.add(Village(code=VILLAGE_B, name="乙村", township=township, zone="plain"))
        for key, role in (("county_admin_b", "county_admin"), ("viewer_b", "viewer")):
            user = User(username=key, role=role, county=county, password_hash=password_hash())
            db.session.add(user)
            db.session.flush()
            users[key] = user.id
        db.session.commit()


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def undeclared_routes(app) -> list[str]:
    return [
        rule.rule
        for rule, _m in routes(app)
        if getattr(app.view_functions[rule.endpoint], "policy_action", None) is None
    ]


def test_every_route_declares_a_policy_action(app):
    assert undeclared_routes(app) == [], "routes without @allow(...)"
    for rule, _m in routes(app):
        assert app.view_functions[rule.endpoint].policy_action in POLICY


def test_a_route_without_a_policy_is_caught(app):
    app.add_url_rule("/naked", "naked", lambda: "reachable by accident")
    assert undeclared_routes(app) == ["/naked"]


def sample_url(rule, samples: dict) -> str:
    values = {}
    for name in rule.arguments:
        if name in samples:
            values[name] = samples[name]
        else:
            converter = rule._converters[name]
            if isinstance(converter, AnyConverter):
                values[name] = sorted(converter.items)[0]
            elif isinstance(converter, IntegerConverter):
                values[name] = 1
            else:
                values[name] = "x"
    return rule.build(values, append_unknown=False)[1]


def call(app, method, url, role_key, users, auth_headers):
    """One request as `role_key`: a fresh token under /api (a route may revoke it), a fresh
    signed-in session elsewhere."""
    client, headers = app.test_client(), {}
    if role_key != "anonymous":
        if url.startswith("/api/"):
            headers = auth_headers(users[role_key])
        else:
            with client.session_transaction() as session:
                session["_user_id"] = session_id(app, users[role_key])
                session["_fresh"] = True
    response = client.open(url, method=method, headers=headers)
    response.get_data()  # a streamed export runs to its end and leaves no context behind
    response.close()
    return response


def add_site_and_visit(client, world, owner, auth_headers) -> dict:
    """A coal seller in the lead's township and one inspection of it (issue 23)."""
    admin = auth_headers(world.users["county_admin"])
    site = {
        "code": "CS-POLICY",
        "kind": "coal_seller",
        "name": "煤店",
        "village_code": world.village,
    }
    assert client.post("/api/v1/sites", json=site, headers=admin).status_code == 201
    body = {
        "client_uuid": "0b7a4c36-4d0e-4a52-9d0c-6b3f3b1d7e11",
        "site_code": "CS-POLICY",
        "inspected_on": "2026-11-20",
        "answers": {"sample_taken": False},
    }
    visit = client.post("/api/v1/site-inspections", json=body, headers=owner)
    assert visit.status_code == 201, visit.get_json()
    return {"site_code": "CS-POLICY", "visit_id": visit.get_json()["id"]}


def test_every_route_refuses_what_the_policy_refuses(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    add_county_b(seeded, world.users)
    # the person the people pages act on (deactivated and reset along the way): none of the
    # callers, so every caller's own session and token stay good
    person = make_user("inspector", township=TOWNSHIP, username="sample_person")
    codes = {"county": TOWNSHIP[:6], "township": TOWNSHIP, "village": world.village}
    owner = auth_headers(world.users["inspector"])
    client = seeded.test_client()
    site_visit = add_site_and_visit(client, world, owner, auth_headers)
    failures, checked = [], 0
    for rule, method in routes(seeded):
        action = seeded.view_functions[rule.endpoint].policy_action
        if action == "public":
            continue
        created = client.post("/api/v1/inspections", json=payload(world.village), headers=owner)
        assert created.status_code == 201, created.get_json()
        problem = client.post("/api/v1/problems", json=problem_body(world.village), headers=owner)
        assert problem.status_code == 201, problem.get_json()
        samples = {
            "problem_id": problem.get_json()["id"],
            "problem_uuid": problem.get_json()["client_uuid"],
            "inspection_id": created.get_json()["id"],
            "client_uuid": created.get_json()["client_uuid"],
            "village_code": world.village,
            "user_id": person,
            "fmt": "csv",
            **site_visit,
        }
        code_sample, outsider_status = (None, None)
        if "code" in rule.arguments:
            code_sample, outsider_status = CODE_SAMPLES[rule.endpoint]
            samples["code"] = codes[code_sample]
        url = sample_url(rule, samples)
        for role_key in ROLE_ORDER:
            role = ROLE_OF.get(role_key, role_key)
            response = call(seeded, method, url, role_key, world.users, auth_headers)
            status, checked = response.status_code, checked + 1
            other_county = role_key in OTHER_COUNTY
            other_township = role_key in ("inspector_other", "lead_other") or other_county
            if code_sample == "county" and not other_county:
                other_township = False  # a township role may open its own county's page
            if role_key == "anonymous":
                ok = (
                    status == 401
                    if url.startswith("/api/")
                    else (status == 302 and "/login" in response.headers["Location"])
                )
            elif role not in POLICY[action] or (other_county and action in DEPLOYMENT_WIDE):
                ok = status == 403
            elif other_township and OBJECT_ARGS & set(rule.arguments):
                ok = status == 404
            elif other_township and code_sample:
                ok = status == outsider_status
            elif role_key == "inspector_colleague" and (
                action in ("inspection.edit", "inspection.delete")
                or rule.rule.startswith("/api/v1/inspections/")
                and rule.rule.endswith("/photos")
                and method == "POST"  # photos of one's own (a problem's: any inspector's)
            ):
                ok = status == 403  # allowed role, but not their own inspection
            else:
                ok = status not in (401, 403) and status < 500
            if not ok:
                failures.append(f"{method} {url} as {role_key}: {status}")
    assert failures == []
    # Sanity: the table really ran over the app's routes (9 callers × each non-public route).
    assert checked >= 10 * 20


@pytest.fixture
def two_counties(seeded, make_user):
    world = make_world(seeded, make_user)
    add_county_b(seeded, world.users)
    return seeded, world


def status_of(app, url, user_id, auth_headers) -> int:
    client = app.test_client()
    if url.startswith("/api/"):
        response = client.get(url, headers=auth_headers(user_id))
    else:
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = session_id(app, user_id), True
        response = client.get(url)
    response.get_data()
    response.close()
    return response.status_code


def test_county_b_sees_nothing_of_county_a_by_any_query(two_counties, auth_headers):
    """API roll-ups and trends of county A's units, its villages, exports, completeness and map
    filters: refused to county B's admin and viewer (403; an inspection list is not the
    viewer's at all)."""
    app, world = two_counties
    a_county, a_village = TOWNSHIP[:6], world.village
    q = "period=2026Q4"
    trend = "/api/v1/rollup/trend?indicator=clean_heating"
    refused = [
        f"/api/v1/rollup?level=county&{q}&county={a_county}",
        f"/api/v1/rollup?level=township&{q}&county={a_county}",
        f"/api/v1/rollup?level=township&{q}&township={TOWNSHIP}",
        f"/api/v1/rollup?level=village&{q}&county={a_county}",
        f"/api/v1/rollup?level=village&{q}&township={TOWNSHIP}",
        f"{trend}&level=county&code={a_county}",
        f"{trend}&level=township&code={TOWNSHIP}",
        f"{trend}&level=village&code={a_village}",
        f"/api/v1/villages?county={a_county}",
        f"/api/v1/villages?township={TOWNSHIP}",
        f"/api/v1/inspections?village={a_village}",
        f"/dashboard/county/{a_county}",
        f"/dashboard/township/{TOWNSHIP}",
        f"/dashboard/village/{a_village}",
        f"/dashboard/completeness?county={a_county}",
        f"/dashboard/export/townships.csv?county={a_county}",
        f"/dashboard/export/villages.csv?county={a_county}",
        f"/dashboard/export/villages.xlsx?township={TOWNSHIP}",
        f"/map?county={a_county}",
        f"/map?township={TOWNSHIP}",
    ]
    for key in OTHER_COUNTY:
        answers = {url: status_of(app, url, world.users[key], auth_headers) for url in refused}
        assert answers == dict.fromkeys(refused, 403), key
    # county A's township roles are refused county B's figures the same way
    inspector = world.users["inspector"]
    for url in (
        f"/api/v1/rollup?level=county&{q}&county={COUNTY_B}",
        f"{trend}&level=county&code={COUNTY_B}",
        f"/dashboard/county/{COUNTY_B}",
        f"/dashboard/export/townships.csv?county={COUNTY_B}",
    ):
        assert status_of(app, url, inspector, auth_headers) == 403, url


def test_county_b_sees_its_own_county_and_the_province_total(two_counties, auth_headers):
    app, world = two_counties
    admin_b = world.users["county_admin_b"]
    client = app.test_client()

    def units(query, user=admin_b):
        response = client.get(f"/api/v1/rollup?period=2026Q4&{query}", headers=auth_headers(user))
        assert response.status_code == 200, (query, response.get_json())
        return [u["code"] for u in response.get_json()["units"]]

    assert units("level=county") == [COUNTY_B]
    assert units("level=township") == [TOWNSHIP_B]
    assert units("level=village") == [VILLAGE_B]
    assert units(f"level=village&county={COUNTY_B}") == [VILLAGE_B]
    assert units("level=province") == ["140000"]  # the total is open to every official
    # the deployment-wide admin sees both counties; county A's township roles their county
    assert units("level=county", world.users["county_admin"]) == [TOWNSHIP[:6], COUNTY_B]
    assert units("level=county", world.users["inspector"]) == [TOWNSHIP[:6]]
    villages = client.get("/api/v1/villages", headers=auth_headers(admin_b)).get_json()
    assert [v["code"] for v in villages["villages"]] == [VILLAGE_B]
    browser = sign_in(app, "county_admin_b")
    home = browser.get("/dashboard/?period=2026Q4").get_data(as_text=True)
    assert "乙县" in home and f'id="row-{TOWNSHIP_B}"' in home and TOWNSHIP not in home
    export = browser.get("/dashboard/export/villages.csv?period=2026Q4").get_data()
    assert [line.split(",")[0] for line in export.decode("utf-8-sig").splitlines()[1:]] == [
        VILLAGE_B
    ]
    assert browser.get(f"/map?county={COUNTY_B}").status_code == 200


def test_deployment_wide_actions_need_an_unscoped_admin(two_counties):
    app, _world = two_counties
    scoped, unscoped = sign_in(app, "county_admin_b"), sign_in(app, "admin")
    for url in (
        "/admin/targets",
        "/admin/coefficients",
        "/admin/settings",
        "/admin/audit",
        "/admin/rescue",
    ):
        assert scoped.get(url).status_code == 403, url
        assert unscoped.get(url).status_code == 200, url
    assert scoped.get("/map/boundaries").status_code == 403
    assert scoped.post("/map/boundaries").status_code == 403
    # what a county admin still does, within their county: review, flags, inspect, 我的检查
    for url in ("/review", "/inspect/flags", "/inspect/", "/inspect/mine"):
        assert scoped.get(url).status_code == 200, url
    home = scoped.get("/?lang=en").get_data(as_text=True)
    assert "Audit log" not in home and "Review" in home


def test_a_county_scoped_admin_works_on_their_county_only(two_counties, auth_headers):
    """Choosing a village to inspect, the review queue and the inspections themselves: county
    B's admin sees and changes only county B's."""
    app, world = two_counties
    sent = app.test_client().post(
        "/api/v1/inspections",
        json=payload(world.village),
        headers=auth_headers(world.users["inspector"]),
    )
    assert sent.status_code == 201
    inspection_a = sent.get_json()["id"]
    admin_b = auth_headers(world.users["county_admin_b"])
    client = app.test_client()
    assert (
        client.post("/api/v1/inspections", json=payload(world.village), headers=admin_b).status_code
        == 403
    )
    own = client.post("/api/v1/inspections", json=payload(VILLAGE_B), headers=admin_b)
    assert own.status_code == 201
    scoped, unscoped = sign_in(app, "county_admin_b"), sign_in(app, "admin")
    choose = scoped.get("/inspect/").get_data(as_text=True)
    assert f"/inspect/{VILLAGE_B}" in choose and f"/inspect/{world.village}" not in choose
    queue = scoped.get("/review").get_data(as_text=True)
    assert f'id="inspection-{own.get_json()["id"]}"' in queue
    assert f'id="inspection-{inspection_a}"' not in queue
    assert f'id="inspection-{inspection_a}"' in unscoped.get("/review").get_data(as_text=True)
    assert scoped.post(f"/review/{inspection_a}/approve").status_code == 404
    for method, url in (
        ("GET", f"/api/v1/inspections/{inspection_a}"),
        ("POST", f"/api/v1/inspections/{inspection_a}/approve"),
        ("DELETE", f"/api/v1/inspections/{inspection_a}"),
    ):
        response = client.open(url, method=method, json={"reason": "x" * 10}, headers=admin_b)
        assert response.status_code == 404, (method, url)
