"""/admin/audit: county admins browse and filter the audit log. Read-only: the app has no route
that changes or deletes an event (app/accounts/audit.py refuses such a flush)."""

from flask import render_template, request
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from app.accounts.audit_search import audit_page
from app.accounts.policy import allow
from app.clock import county_time
from app.extensions import db
from app.models import User
from app.views.admin.audit_words import ACTION_WORDS, OBJECT_WORDS, action_word, object_word
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
    # Times are the county's (app/clock.py), codes are words (app/views/admin/audit_words.py).
    raw = {k: v for k, v in request.args.to_dict().items() if v != ""}
    try:
        query = audit_filter_schema.load(raw)
    except ValidationError as error:
        return _render(
            events=[],
            query=raw,
            page=1,
            more=False,
            errors=flatten(error.messages),
            names={},
        ), 422
    page = query["page"]
    events, more = audit_page(query, page, PAGE_SIZE)
    return _render(
        events=events,
        query=raw,
        page=page,
        more=more,
        errors={},
        names=display_names({e.actor_id for e in events if e.actor_id is not None}),
    )


def display_names(user_ids: set[int]) -> dict[int, str]:
    """{user id: display name} of the page's actors who have one (one statement)."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        db.select(User.id, User.display_name).where(
            User.id.in_(sorted(user_ids)), User.display_name.is_not(None)
        )
    )
    return dict(rows.all())


def _render(**context):
    return render_template(
        "admin/audit.html",
        action_words=_choices(ACTION_WORDS),
        object_words=_choices(OBJECT_WORDS),
        action_word=action_word,
        object_word=object_word,
        county_time=county_time,
        **context,
    )


def _choices(words: dict) -> list[tuple[str, str]]:
    """(code, word) pairs in the order of their words, for a filter's options."""
    return sorted(((code, str(word)) for code, word in words.items()), key=lambda pair: pair[1])
