"""/admin/audit: county admins browse and filter the audit log. Read-only: the app has no route
that changes or deletes an event (app/accounts/audit.py refuses such a flush)."""

from flask import render_template, request
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from app.accounts.audit_search import audit_page
from app.accounts.policy import allow
from app.views.admin.blueprint import bp
from app.views.error_shape import flatten

PAGE_SIZE = 100


class AuditFilterSchema(Schema):
    class Meta:
        unknown = RAISE

    action = fields.String(validate=validate.Length(max=64))
    actor = fields.String(validate=validate.Length(max=64))
    object_type = fields.String(validate=validate.Length(max=32))
    object_id = fields.String(validate=validate.Length(max=64))
    since = fields.Date()
    until = fields.Date()
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100_000))
    lang = fields.String()  # the language switch may ride along


audit_filter_schema = AuditFilterSchema()


@bp.get("/admin/audit")
@allow("audit.read")
def audit_log():
    raw = {k: v for k, v in request.args.to_dict().items() if v != ""}
    try:
        query = audit_filter_schema.load(raw)
    except ValidationError as error:
        return render_template(
            "admin/audit.html",
            events=[],
            query=raw,
            page=1,
            more=False,
            errors=flatten(error.messages),
        ), 422
    page = query["page"]
    events, more = audit_page(query, page, PAGE_SIZE)
    return render_template(
        "admin/audit.html",
        events=events,
        query=raw,
        page=page,
        more=more,
        errors={},
    )
