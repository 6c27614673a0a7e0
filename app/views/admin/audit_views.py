"""/admin/audit: county admins browse and filter the audit log. Read-only: the app has no route
that changes or deletes an event (app/accounts/audit.py refuses such a flush)."""

from datetime import UTC, datetime, time, timedelta

from flask import render_template, request
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from app.accounts.policy import allow
from app.extensions import db
from app.models import AuditEvent
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
    statement = db.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    for name, column in (
        ("action", AuditEvent.action),
        ("actor", AuditEvent.actor_name),
        ("object_type", AuditEvent.object_type),
        ("object_id", AuditEvent.object_id),
    ):
        if name in query:
            statement = statement.where(column == query[name])
    if "since" in query:
        statement = statement.where(AuditEvent.at >= datetime.combine(query["since"], time(), UTC))
    if "until" in query:
        end = datetime.combine(query["until"] + timedelta(days=1), time(), UTC)
        statement = statement.where(AuditEvent.at < end)
    page = query["page"]
    rows = (
        db.session.execute(statement.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1))
        .scalars()
        .all()
    )
    return render_template(
        "admin/audit.html",
        events=rows[:PAGE_SIZE],
        query=raw,
        page=page,
        more=len(rows) > PAGE_SIZE,
        errors={},
    )
