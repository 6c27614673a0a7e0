"""GET /api/v1/openapi.json: the API described from the same marshmallow schemas that validate
and shape it (apispec's MarshmallowPlugin), so the description cannot drift from the code.

Every /api/v1 route in the url_map is described: those listed in OPERATIONS with their bodies
and answers; any other (a route added later) with its path parameters and the shared error
answers, so the fuzzer still reaches it. The inspection body is the English schema built from
forms/ (the Chinese one differs only in its messages).
"""

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app
from marshmallow import Schema, fields
from werkzeug.routing import IntegerConverter

from app.accounts.policy import allow
from app.clock import county_today
from app.formdefs.registry import current_forms
from app.views.api import bp, schemas, schemas_rollup

ERRORS = (400, 401, 403, 404, 405, 409, 413, 415, 429, 503)  # 503: a form changed in place


class CountyList(Schema):
    counties = fields.List(fields.Nested(schemas.CountySchema))


class TownshipList(Schema):
    townships = fields.List(fields.Nested(schemas.TownshipSchema))


class VillageList(Schema):
    villages = fields.List(fields.Nested(schemas.VillageSchema))


class InspectionList(Schema):
    inspections = fields.List(fields.Nested(schemas.InspectionSchema))


class RevisionList(Schema):
    revisions = fields.List(fields.Nested(schemas.RevisionSchema))


class Revoked(Schema):
    revoked = fields.Integer()


def _ops():
    """endpoint → (summary, request body schema, query schema, {status: response schema})."""
    inspection_body = current_forms().inspection_schema("en", county_today())
    one = {200: schemas.InspectionSchema}
    return {
        "api.create_token": (
            "Trade a username and password for a bearer token",
            schemas.TokenRequestSchema,
            None,
            {201: schemas.TokenSchema},
        ),
        "api.revoke_token": (
            "Revoke this token, or with all=true every token of the user",
            schemas.RevokeSchema,
            None,
            {200: Revoked},
        ),
        "api.list_counties": ("The deployment's counties", None, None, {200: CountyList}),
        "api.list_townships": (
            "The townships, optionally of one county",
            None,
            schemas.TownshipQuerySchema,
            {200: TownshipList},
        ),
        "api.list_villages": (
            "The villages in the caller's scope, optionally of one county or township",
            None,
            schemas.VillageQuerySchema,
            {200: VillageList},
        ),
        "api.get_rollup": (
            "Every indicator for the units of a level (province, county, township, village), "
            "within a county or township if asked, else within the caller's scope",
            None,
            schemas_rollup.RollupQuerySchema,
            {200: schemas_rollup.RollupSchema},
        ),
        "api.get_trend": (
            "One indicator of one unit over the last quarters",
            None,
            schemas_rollup.TrendQuerySchema,
            {200: schemas_rollup.TrendSchema},
        ),
        "api.create_inspection": (
            "Store an inspection (idempotent by client_uuid)",
            inspection_body,
            None,
            {201: schemas.InspectionSchema, 200: schemas.InspectionSchema},
        ),
        "api.list_inspections": (
            "Inspections of a village",
            None,
            schemas.InspectionQuerySchema,
            {200: InspectionList},
        ),
        "api.get_inspection": ("One inspection", None, None, one),
        "api.edit": (
            "Replace an inspection's content (a new revision)",
            inspection_body,
            None,
            one,
        ),
        "api.revisions": ("Every stored version of an inspection", None, None, {200: RevisionList}),
        "api.approve": ("Approve (township lead)", schemas.ReviewSchema, None, one),
        "api.return_": ("Return with a comment (township lead)", schemas.ReturnSchema, None, one),
        "api.reopen": (
            "Reopen an approved inspection (county admin)",
            schemas.ReviewSchema,
            None,
            one,
        ),
        "api.delete": ("Soft-delete with a reason", schemas.DeleteSchema, None, one),
        "api.restore": ("Restore a deleted inspection (county admin)", None, None, one),
    }


def build_spec() -> dict:
    spec = APISpec(
        title="Cunjian API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
        servers=[{"url": "/api/v1"}],
        info={"description": "村检 Cunjian: village sanitation inspections and their roll-ups"},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=schemas.ErrorSchema)
    spec.components.schema("ValidationErrors", schema=schemas.ValidationErrorSchema)
    operations = _ops()
    paths: dict[str, dict] = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.openapi":
            continue
        path = _openapi_path(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            summary, body, query, answers = operations.get(
                rule.endpoint, (rule.endpoint, None, None, {200: None})
            )
            paths.setdefault(path, {})[method.lower()] = _operation(
                rule, summary, body, query, answers
            )
    for path, ops in paths.items():
        spec.path(path=path, operations=ops)
    return spec.to_dict()


def _schema_name(schema) -> str:
    """InspectionSchema (the answer) vs the body built from forms/ → InspectionInput."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    answers = ("app.views.api.schemas", "app.views.api.schemas_rollup", __name__)
    return name if cls.__module__ in answers else name + "Input"


def _openapi_path(rule) -> str:
    """/api/v1/inspections/<int:inspection_id> → /inspections/{inspection_id}"""
    return re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))


def _operation(rule, summary, body, query, answers) -> dict:
    parameters = []
    for name in sorted(rule.arguments):
        converter = rule._converters[name]
        if isinstance(converter, IntegerConverter):
            kind = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
        else:
            kind = {"type": "string", "pattern": converter.regex}
        parameters.append({"in": "path", "name": name, "required": True, "schema": kind})
    if query is not None:
        parameters.append({"in": "query", "schema": query})
    responses = {str(code): _json(schema) for code, schema in answers.items()}
    for code in ERRORS:
        responses[str(code)] = _json("Error")
    responses["422"] = _json("ValidationErrors")
    operation = {"summary": summary, "parameters": parameters, "responses": responses}
    if rule.endpoint != "api.create_token":
        operation["security"] = [{"bearer": []}]
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    return operation


def _json(schema):
    content = (
        {"application/json": {"schema": schema}} if schema is not None else {"application/json": {}}
    )
    return {"description": "", "content": content}


@bp.get("/openapi.json")
@allow("public")
def openapi():
    return build_spec()
