"""The API as OpenAPI, fuzzed by schemathesis against the app itself (WSGI, no network).

Each operation gets a bounded number of generated cases (positive and negative, fixed seed):
no 5xx, and every answer's status, content type and body conform to /api/v1/openapi.json.
Positive cases must also be accepted (schemathesis' positive-data check: no 400/422 for data
the document calls valid), and every method a path does not declare must answer 405 with an
`Allow` header (its unsupported-method check, on the cases of its coverage phase).
The caller is a county admin, so role refusals do not hide the handlers from the fuzzer;
an inspection exists so that some generated ids hit a real row.

Two kinds of rule cannot be stated in OpenAPI 3.0 and are left out of the positive-data check:
the rules between query parameters, which the operations' descriptions state and
`breaks_query_rules` applies to the generated cases; and the inspection body's rules between
answers from forms/*.json (e.g. the five straw routes cannot exceed the straw produced) and
its date window, so the create and edit operations are held to the other checks only; nor can
an uploaded XLSForm workbook's content (issue 22).
"""

import io
import re
import uuid

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from PIL import Image
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
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
# Bodies whose validity rests on rules between answers (see above), or on a village existing
# (a problem is recorded against a real village: 422 "no such village" otherwise).
CROSS_FIELD_BODIES = {
    "POST /inspections",
    "PUT /inspections/{inspection_id}",
    "POST /problems",
    # a workbook's content (sheets, rows, XPath) is no more stateable in OpenAPI than the
    # rules between answers: any binary `file` is valid to the document
    "POST /forms/{form_id}/xlsform",
}
# Sites (issue 23): a register row or a site inspection is checked against the kind's columns
# and form (data in forms/sites/), a village or site must exist, a return needs a comment.
CROSS_FIELD_BODIES |= {
    "POST /sites",
    "PUT /sites/{site_code}",
    "POST /sites/import",
    "POST /site-inspections",
    "PUT /site-inspections/{visit_id}",
    "POST /site-inspections/{visit_id}/review",
}
DIGITS = {"province": 6, "county": 6, "township": 9, "village": 12}


def breaks_query_rules(case) -> bool:
    """Whether a generated query breaks a rule its operation's description states."""
    query = case.query or {}
    if "county" in query and "township" in query:
        return True
    if case.path == "/rollup":
        level = query.get("level")
        month = "-" in str(query.get("period", ""))  # site figures only (issue 23)
        return (
            ("township" in query and level in ("province", "county"))
            or ("county" in query and level == "province")
            or (month and level not in ("county", "township"))
        )
    if case.path == "/rollup/trend":
        return len(str(query.get("code", ""))) != DIGITS.get(query.get("level"), 0)
    return False


def with_real_photo(case):
    """A photo upload carries an image, as the document's `format: binary` file stands for."""
    if isinstance(case.body, dict) and "photo" in case.body:
        out = io.BytesIO()
        Image.new("RGB", (32, 24), (20, 120, 40)).save(out, "JPEG")
        case.body["photo"] = out.getvalue()
    return case


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
    seeded.config["PHOTO_MAX_PER_INSPECTION"] = 10_000  # the fuzzer's photos all fit
    inspection = created.get_json()["client_uuid"]
    seen = []
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", seeded)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14  # every API operation of this branch, and any added later
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            checks = list(CHECKS)
            strategy = operation.as_strategy(generation_mode=mode)
            if mode == GenerationMode.POSITIVE:
                strategy = strategy.filter(lambda case: not breaks_query_rules(case))
                if operation.label.split(" ", 1)[1] == "/inspections/{client_uuid}/photos":
                    pinned = operation.as_strategy(
                        generation_mode=mode, path_parameters={"client_uuid": inspection}
                    )
                    strategy = (strategy | pinned).map(with_real_photo)
                if operation.label not in CROSS_FIELD_BODIES:
                    checks.append(positive_data_acceptance)

            # pytest 9 and schemathesis' own pytest plugin disagree, so drive hypothesis here.
            @given(case=strategy)
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
                answer = case.call_and_validate(headers=headers, checks=checks)  # noqa: B023 (run at once)
                seen.append(answer.status_code)

            fuzz()

    # The fuzzer really ran: many requests, some accepted, many refused, none a server error.
    assert len(seen) >= 14 * 2 * 10
    assert any(200 <= code < 300 for code in seen) and seen.count(422) > 20
    # (Negative cases include requests stripped of their token: those 401s are expected.)
    assert max(seen) < 500 and seen.count(401) < len(seen) // 4


def test_undeclared_methods_answer_405_with_allow(seeded, make_user, auth_headers):
    """schemathesis' coverage phase sends every method a path does not declare; each must get
    405 and an Allow header naming the declared ones (its unsupported-method check)."""
    world = make_world(seeded, make_user)
    headers = auth_headers(world.users["county_admin"])
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", seeded)
    probed = []
    for result in schema.get_all_operations():
        operation = result.ok()
        cases = schema.iter_coverage_cases(
            operation,
            generation_modes=[GenerationMode.NEGATIVE],
            generation_config=schema.config.generation_for(operation=operation),
        )
        for case in cases:
            if getattr(case.meta.phase.data, "scenario", None) != "unspecified_http_method":
                continue
            response = case.call_and_validate(headers=headers, checks=[unsupported_method])
            probed.append((case.method, case.path, response.status_code))
    assert len(probed) >= 60  # e.g. DELETE, PATCH, PUT, TRACE on GET /counties
    # (OPTIONS answers 200 with the Allow header; the check leaves it alone.)
    assert {status for method, _p, status in probed if method != "OPTIONS"} <= {405, 404}, [
        p for p in probed if p[2] not in (404, 405)
    ]
    answer = seeded.test_client().patch("/api/v1/counties", headers=headers)
    assert answer.status_code == 405 and answer.headers["Allow"] == "GET, HEAD, OPTIONS"
    page = seeded.test_client().delete("/login")
    assert page.status_code == 405 and page.headers["Allow"] == "GET, HEAD, OPTIONS, POST"


def test_the_document_states_what_the_server_takes(app):
    with app.test_request_context():
        spec = build_spec()
    upload = spec["paths"]["/inspections/{client_uuid}/photos"]["post"]["requestBody"]
    form = upload["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["client_photo_id", "section", "photo"]
    assert form["properties"]["photo"] == {"type": "string", "format": "binary"}
    assert {"general", "sewage", "straw"} <= set(form["properties"]["section"]["enum"])
    rollup = {p["name"]: p for p in spec["paths"]["/rollup"]["get"]["parameters"]}
    # a quarter, a year, or a month (the site figures; issue 23)
    assert rollup["period"]["schema"]["pattern"] == "^(20[0-9]{2}|2100)(Q[1-4]|-(0[1-9]|1[0-2]))?$"
    trend = {p["name"]: p for p in spec["paths"]["/rollup/trend"]["get"]["parameters"]}
    assert "clean_heating" in trend["indicator"]["schema"]["enum"]
    assert str(uuid.UUID(int=0))  # (uuid imported for the photo ids the fuzzer draws)
