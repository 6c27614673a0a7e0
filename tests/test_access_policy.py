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
"""

from werkzeug.routing import AnyConverter, IntegerConverter

from app.policy import POLICY
from tests.review_world import make_world, payload

# Route arguments that name one object of the lead's township: another township's roles get 404.
OBJECT_ARGS = frozenset({"inspection_id", "client_uuid", "village_code"})
ROLE_ORDER = [
    "anonymous",
    "viewer",
    "inspector_other",
    "lead_other",
    "inspector_colleague",
    "inspector",
    "township_lead",
    "county_admin",
]
ROLE_OF = {
    "inspector_other": "inspector",
    "lead_other": "township_lead",
    "inspector_colleague": "inspector",
}


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
                session["_user_id"] = str(users[role_key])
                session["_fresh"] = True
    return client.open(url, method=method, headers=headers)


def test_every_route_refuses_what_the_policy_refuses(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    owner = auth_headers(world.users["inspector"])
    client = seeded.test_client()
    failures, checked = [], 0
    for rule, method in routes(seeded):
        action = seeded.view_functions[rule.endpoint].policy_action
        if action == "public":
            continue
        created = client.post("/api/v1/inspections", json=payload(world.village), headers=owner)
        assert created.status_code == 201, created.get_json()
        samples = {
            "inspection_id": created.get_json()["id"],
            "client_uuid": created.get_json()["client_uuid"],
            "village_code": world.village,
        }
        url = sample_url(rule, samples)
        for role_key in ROLE_ORDER:
            role = ROLE_OF.get(role_key, role_key)
            response = call(seeded, method, url, role_key, world.users, auth_headers)
            status, checked = response.status_code, checked + 1
            other_township = role_key in ("inspector_other", "lead_other")
            if role_key == "anonymous":
                ok = (
                    status == 401
                    if url.startswith("/api/")
                    else (status == 302 and "/login" in response.headers["Location"])
                )
            elif role not in POLICY[action]:
                ok = status == 403
            elif other_township and OBJECT_ARGS & set(rule.arguments):
                ok = status == 404
            elif role_key == "inspector_colleague" and (
                action in ("inspection.edit", "inspection.delete")
                or rule.rule.endswith("/photos")
                and method == "POST"  # photos of one's own
            ):
                ok = status == 403  # allowed role, but not their own inspection
            else:
                ok = status not in (401, 403) and status < 500
            if not ok:
                failures.append(f"{method} {url} as {role_key}: {status}")
    assert failures == []
    # Sanity: the table really ran over the app's routes (7 callers × each non-public route).
    assert checked >= 8 * 20
