"""The API as OpenAPI, fuzzed by schemathesis against the app itself (WSGI, no network).

Each operation gets a bounded number of generated cases (positive and negative, fixed seed):
no 5xx, and every answer's status, content type and body conform to /api/v1/openapi.json.
The caller is a county admin, so role refusals do not hide the handlers from the fuzzer;
an inspection exists so that some generated ids hit a real row.
"""

import re

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.views.api.openapi import build_spec
from tests.review_world import make_world, payload

CASES_PER_OPERATION = 20
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_every_api_route_is_described(app):
    with app.test_request_context():
        spec = build_spec()
    described = {
        (f"/api/v1{path}", method.upper()) for path, ops in spec["paths"].items() for method in ops
    }
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == described
    body = spec["components"]["schemas"]["InspectionInput"]
    assert body["properties"]["households"]["maximum"] == 100000
    assert body["additionalProperties"] is False


def test_the_api_holds_under_fuzzing(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    created = seeded.test_client().post(
        "/api/v1/inspections",
        json=payload(world.village),
        headers=auth_headers(world.users["inspector"]),
    )
    assert created.status_code == 201
    seen = []
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", seeded)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14  # every API operation of this branch, and any added later
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            # pytest 9 and schemathesis' own pytest plugin disagree, so drive hypothesis here.
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=CASES_PER_OPERATION // 2,
                derandomize=True,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
                phases=[Phase.explicit, Phase.generate],
            )
            def fuzz(case):
                # A fresh token each time: a generated /auth/revoke may revoke the last one.
                headers = auth_headers(world.users["county_admin"])
                seen.append(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

            fuzz()

    # The fuzzer really ran: many requests, some accepted, many refused, none a server error.
    assert len(seen) >= 14 * 2 * 10
    assert any(200 <= code < 300 for code in seen) and seen.count(422) > 20
    # (Negative cases include requests stripped of their token: those 401s are expected.)
    assert max(seen) < 500 and seen.count(401) < len(seen) // 4
