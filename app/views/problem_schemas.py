"""marshmallow schemas of the rectification ledger's API (/api/v1/problems): what a phone or a
reviewer sends to record a problem or take a step on it, and what every answer looks like."""

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from app.models.problems import PHOTO_STAGES, PROBLEM_STATUSES, RESPONSIBLE_UNITS
from app.problems.categories import categories
from app.problems.ledger import NOTE_MAX
from app.views.schema_fields import UTCDateTime


class ProblemInputSchema(Schema):
    class Meta:
        unknown = RAISE

    client_uuid = fields.UUID(required=True)
    village_code = fields.String(required=True, validate=validate.Regexp(r"^\d{12}$"))
    category = fields.String(required=True, validate=validate.OneOf(list(categories())))
    description = fields.String(required=True, validate=validate.Length(min=1, max=NOTE_MAX))
    responsible = fields.String(load_default="village", validate=validate.OneOf(RESPONSIBLE_UNITS))
    deadline = fields.Date(load_default=None)  # else today + the category's default days
    inspection_id = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(1, 2**31 - 1)
    )


class FixReportSchema(Schema):
    class Meta:
        unknown = RAISE

    note = fields.String(required=True, validate=validate.Length(min=1, max=NOTE_MAX))


class RecheckSchema(Schema):
    """passed → closed; failed → open again, with a new deadline and a note saying why."""

    class Meta:
        unknown = RAISE

    passed = fields.Boolean(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=NOTE_MAX))
    new_deadline = fields.Date(load_default=None)

    @validates_schema
    def failed_needs_a_deadline_and_a_note(self, data, **_kwargs):
        if not data["passed"]:
            if data.get("new_deadline") is None:
                raise ValidationError("required when the re-check fails", "new_deadline")
            if not data.get("note"):
                raise ValidationError("say what is still wrong", "note")


class ProblemQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    status = fields.String(validate=validate.OneOf(PROBLEM_STATUSES))
    overdue = fields.Boolean()
    township = fields.String(validate=validate.Regexp(r"^\d{9}$"))
    village = fields.String(validate=validate.Regexp(r"^\d{12}$"))
    site = fields.String(validate=validate.Length(min=1, max=32))  # a site's code (issue 23)
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 1000))


class ProblemPhotoUploadSchema(Schema):
    class Meta:
        unknown = RAISE

    client_photo_id = fields.UUID(required=True)
    stage = fields.String(required=True, validate=validate.OneOf(PHOTO_STAGES))


class ProblemEventSchema(Schema):
    number = fields.Integer()
    kind = fields.String()
    status_from = fields.String(allow_none=True)
    status_to = fields.String()
    note = fields.String()
    deadline = fields.Date(allow_none=True)
    actor = fields.String()
    at = UTCDateTime()


class ProblemPhotoSchema(Schema):
    id = fields.Integer()
    client_photo_id = fields.String()
    stage = fields.String()
    content_type = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    url = fields.String()
    created_at = UTCDateTime()


class ProblemSchema(Schema):
    id = fields.Integer()
    client_uuid = fields.String()
    village_code = fields.String()
    village = fields.String()
    township_code = fields.String()
    township = fields.String()
    category = fields.String()
    category_label = fields.String()
    description = fields.String()
    responsible = fields.String()
    deadline = fields.Date()
    status = fields.String()
    overdue = fields.Boolean()
    inspection_id = fields.Integer(allow_none=True)
    site_code = fields.String(allow_none=True)
    created_by = fields.String()
    created_at = UTCDateTime()
    closed_at = UTCDateTime(allow_none=True)
    events = fields.List(fields.Nested(ProblemEventSchema))
    photos = fields.List(fields.Nested(ProblemPhotoSchema))


class ProblemListSchema(Schema):
    problems = fields.List(fields.Nested(ProblemSchema))


problem_input_schema = ProblemInputSchema()
fix_report_schema = FixReportSchema()
recheck_schema = RecheckSchema()
problem_query_schema = ProblemQuerySchema()
problem_photo_upload_schema = ProblemPhotoUploadSchema()
problem_schema = ProblemSchema()
problem_list_schema = ProblemListSchema()
problem_photo_schema = ProblemPhotoSchema()
