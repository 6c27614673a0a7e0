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
from app.formdefs.xlsform_workbook import XLSX_MIMETYPE
from app.inspections.photos import photo_sections
from app.views import problem_schemas as schemas_problems
from app.views.api import (
    schemas,
    schemas_coefficients,
    schemas_forms,
    schemas_offline,
    schemas_rollup,
    schemas_sites,
)
from app.views.api.blueprint import bp

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


class PhotoList(Schema):
    photos = fields.List(fields.Nested(schemas_offline.PhotoSchema))


IMAGE = "image"  # an answer that is the image file itself
XLSX = "xlsx"  # an answer that is an XLSForm workbook
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")


def _ops():
    """endpoint → (summary, request body schema, query schema, {status: response schema})."""
    return {
        **_account_and_place_ops(),
        **_rollup_ops(),
        **_inspection_ops(),
        **_photo_ops(),
        **_problem_ops(),
        **_site_ops(),
        **_site_visit_ops(),
        **_form_ops(),
    }


def _form_ops():
    """The forms as XLSForm workbooks (issue 22)."""
    upload = {"multipart/form-data": schemas_forms.WorkbookUploadSchema}
    return {
        "api.list_forms": (
            "Every form, its current version, title and every published version",
            None,
            None,
            {200: schemas_forms.FormListSchema},
        ),
        "api.download_xlsform": (
            "The current version of a form as an XLSForm workbook (.xlsx)",
            None,
            None,
            {200: XLSX},
        ),
        "api.upload_xlsform": (
            "Check an edited XLSForm workbook (publish=false: the changes in words) or publish "
            "it as the form's next version (201); identical: 200 unchanged; 422: every error "
            "with its sheet, row and column. County admins only.",
            upload,
            None,
            {
                200: schemas_forms.UploadAnswerSchema,
                201: schemas_forms.UploadAnswerSchema,
                422: schemas_forms.WorkbookErrorsSchema,
            },
        ),
    }


def _account_and_place_ops():
    """Tokens, and the counties, townships and villages."""
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
    }


def _rollup_ops():
    """The figures: roll-ups, trends, rankings, and the coefficients behind the estimates."""
    return {
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
        "api.get_ranking": (
            "Per indicator, the villages (of a county or township) or the townships, furthest "
            "behind their own target first",
            None,
            schemas_rollup.RankingQuerySchema,
            {200: schemas_rollup.RankingSchema},
        ),
        "api.list_coefficients": (
            "Every coefficient edition behind the estimates, with source and confidence grade",
            None,
            None,
            {200: schemas_coefficients.CoefficientListSchema},
        ),
    }


def _inspection_ops():
    """Inspections: stored once, changed by revision, reviewed."""
    inspection_body = current_forms().inspection_schema("en", county_today())
    one = {200: schemas.InspectionSchema}
    return {
        "api.create_inspection": (
            "Store an inspection (idempotent by client_uuid). Optional `form_versions` "
            '({"film": "2026.3"}: the versions it was answered under; checked against those '
            "published versions' rules and stored with them; 422 for a version never published)",
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
            "Replace an inspection's content (a new revision). Optional `base_revision` (409 "
            "`stale_revision` with `stored`, `yours` and their three-way `merge` when it is not "
            "the current one; "
            "a missing section is then unchanged) and `remove_sections`",
            inspection_body,
            None,
            one,
        ),
        "api.revisions": ("Every stored version of an inspection", None, None, {200: RevisionList}),
        "api.approve": (
            "Approve (township lead). Optional `revision`, the one the reviewer saw (409 "
            "`changed_since_seen` with `seen` and `stored` when it is no longer current)",
            schemas.ReviewSchema,
            None,
            one,
        ),
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


def _photo_ops():
    """An inspection's photos."""
    return {
        "api.upload_photo": (
            "Attach a photo (JPEG, PNG or WebP) to an inspection (idempotent by client_photo_id)",
            _photo_upload_body(),
            None,
            {201: schemas_offline.PhotoSchema, 200: schemas_offline.PhotoSchema},
        ),
        "api.list_photos": ("The photos of an inspection", None, None, {200: PhotoList}),
        "api.photo_file": ("A photo's file", None, None, {200: IMAGE}),
    }


def _problem_ops():
    """The rectification ledger (app/views/api/routes_problems.py)."""
    sp = schemas_problems
    one = {200: sp.ProblemSchema}
    return {
        "api.list_problems": (
            "Problems in the caller's scope, by status, overdue, township or village",
            None,
            sp.ProblemQuerySchema,
            {200: sp.ProblemListSchema},
        ),
        "api.record_problem": (
            "Record a problem (idempotent by client_uuid); the deadline defaults by category",
            sp.ProblemInputSchema,
            None,
            {201: sp.ProblemSchema, 200: sp.ProblemSchema},
        ),
        "api.get_problem": ("One problem with every step and photo", None, None, one),
        "api.report_fix": (
            "The township reports the fix (open → fix_reported)",
            sp.FixReportSchema,
            None,
            one,
        ),
        "api.recheck": (
            "An inspector's re-check: passed closes it, failed reopens it with a new deadline",
            sp.RecheckSchema,
            None,
            one,
        ),
    }


def _site_ops():
    """The registers of sites other than villages (app/views/api/routes_sites.py, issue 23)."""
    ss = schemas_sites
    register_file = {
        "multipart/form-data": {
            "type": "object",
            "required": ["file"],
            "additionalProperties": False,
            "properties": {"file": {"type": "string", "format": "binary"}},
        }
    }
    return {
        "api.list_site_kinds": (
            "The site kinds, their registers, forms and rules",
            None,
            None,
            {200: ss.SiteKindListSchema},
        ),
        "api.list_sites": (
            "Sites in the caller's scope, by kind and township",
            None,
            ss.SiteQuerySchema,
            {200: ss.SiteListSchema},
        ),
        "api.add_site": (
            "Add a site to a register (county admin)",
            ss.SiteInputSchema,
            None,
            {201: ss.SiteSchema},
        ),
        "api.edit_site": (
            "Edit, close (status closed with date and reason) or reopen a site",
            ss.SiteInputSchema,
            None,
            {200: ss.SiteSchema},
        ),
        "api.import_sites": (
            "Import a register (XLSX or CSV, field file): all rows or none",
            register_file,
            ss.KindQuerySchema,
            {
                200: ss.ImportResultSchema,
                # refused rows (each with row and message), or a bad query
                422: {"oneOf": [ss.ImportResultSchema, schemas.ValidationErrorSchema]},
            },
        ),
    }


def _site_visit_ops():
    """Site inspections and the sampling plan (app/views/api/routes_sites.py, issue 23)."""
    ss = schemas_sites
    visit = {200: ss.SiteInspectionSchema}
    return {
        "api.record_site_inspection": (
            "Record a site inspection (idempotent by client_uuid)",
            ss.SiteInspectionInputSchema,
            None,
            {201: ss.SiteInspectionSchema, 200: ss.SiteInspectionSchema},
        ),
        "api.get_site_inspection": ("One site inspection", None, None, visit),
        "api.edit_site_inspection": (
            "Correct a site inspection on its base_revision (409 if stale)",
            ss.SiteInspectionInputSchema,
            None,
            visit,
        ),
        "api.review_site_inspection": (
            "Approve, return or reopen a site inspection",
            ss.SiteReviewSchema,
            None,
            visit,
        ),
        "api.get_sampling_plan": (
            "The month's sampling draw (kept once drawn) and how many the rule requires",
            None,
            ss.SamplingQuerySchema,
            {200: ss.SamplingPlanSchema},
        ),
        "api.adjust_sampling_plan": (
            "Add a site to a month's draw or take it out (county admin)",
            ss.SamplingAdjustSchema,
            None,
            {200: ss.SamplingPlanSchema},
        ),
    }


def _photo_upload_body() -> dict:
    """The multipart form of a photo upload: the form fields of PhotoUploadSchema, the section
    one of the form set's, and the file."""
    sections = sorted(photo_sections(current_forms().form_set))
    return {
        "multipart/form-data": {
            "type": "object",
            "required": ["client_photo_id", "section", "photo"],
            "additionalProperties": False,
            "properties": {
                "client_photo_id": {"type": "string", "format": "uuid"},
                "section": {"type": "string", "enum": sections},
                "photo": {"type": "string", "format": "binary"},
            },
        }
    }


# Rules between query parameters that OpenAPI 3.0 cannot state as a schema: said in the
# operation's description (the server answers 422 when they are broken).
QUERY_RULES = {
    "api.get_rollup": "Give county or township, not both; township only with level township or "
    "village; county not with level province; a month (2026-12) only with level county or "
    "township.",
    "api.list_villages": "Give county or township, not both.",
    "api.get_trend": "The code has as many digits as its level's codes (province and county 6, "
    "township 9, village 12).",
}


def _indicator_enum(paths: dict) -> None:
    """An indicator parameter is one of the form set's indicators (known only at run time)."""
    keys = sorted(current_forms().indicators.keys)
    for operation in (
        *paths.get("/rollup/trend", {}).values(),
        *paths.get("/ranking", {}).values(),
    ):
        for parameter in operation["parameters"]:
            if parameter.get("name") == "indicator":
                parameter["schema"] = {"type": "string", "enum": keys}


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
    document = spec.to_dict()
    _indicator_enum(document["paths"])
    return document


def _schema_name(schema) -> str:
    """InspectionSchema (the answer) vs the body built from forms/ → InspectionInput."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    answers = (
        "app.views.api.schemas",
        "app.views.api.schemas_rollup",
        "app.views.api.schemas_offline",
        "app.views.problem_schemas",
        "app.views.api.schemas_coefficients",
        "app.views.api.schemas_forms",
        __name__,
    )
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
        responses.setdefault(str(code), _json("Error"))
    responses.setdefault("422", _json("ValidationErrors"))  # unless the operation says its own
    operation = {"summary": summary, "parameters": parameters, "responses": responses}
    if rule.endpoint in QUERY_RULES:
        operation["description"] = QUERY_RULES[rule.endpoint]
    if rule.endpoint != "api.create_token":
        operation["security"] = [{"bearer": []}]
    if isinstance(body, dict):  # already {media type: schema}
        content = {media: {"schema": schema} for media, schema in body.items()}
        operation["requestBody"] = {"required": True, "content": content}
    elif body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    return operation


def _json(schema):
    if schema in (IMAGE, XLSX):
        binary = {"schema": {"type": "string", "format": "binary"}}
        types = IMAGE_TYPES if schema == IMAGE else (XLSX_MIMETYPE,)
        return {"description": "", "content": dict.fromkeys(types, binary)}
    content = (
        {"application/json": {"schema": schema}} if schema is not None else {"application/json": {}}
    )
    return {"description": "", "content": content}


@bp.get("/openapi.json")
@allow("public")
def openapi():
    return build_spec()
