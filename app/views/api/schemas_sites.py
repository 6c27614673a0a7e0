"""marshmallow schemas of the sites API (issue 23): registers, site inspections and the
sampling plan. The answers of a site inspection are checked against the kind's form by
app/sites/answers.py, after this envelope."""

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from app.periods import parse_month
from app.sites.kinds import site_kinds
from app.views.schema_fields import UTCDateTime

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
TEXT = validate.Length(min=1, max=100)
MONTH = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"


def _kinds():
    return validate.OneOf(list(site_kinds()))


def _sampled_kinds():
    return validate.OneOf([k.key for k in site_kinds().values() if k.sampling is not None])


def _month(value: str) -> None:
    try:
        period = parse_month(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if not 2000 <= period.start.year <= 2100:
        raise ValidationError("the year must be between 2000 and 2100")


class SiteQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    kind = fields.String(validate=_kinds())
    township = fields.String(validate=validate.Regexp(r"^\d{9}$"))
    status = fields.String(validate=validate.OneOf(("open", "closed")))


class KindQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    kind = fields.String(required=True, validate=_kinds())


class SiteInputSchema(Schema):
    """POST /sites (with `code` and `kind`) and PUT /sites/<code> (without). Closing: status
    "closed" with closed_on and closed_reason; "open" reopens."""

    class Meta:
        unknown = RAISE

    code = fields.String(validate=CODE)
    kind = fields.String(validate=_kinds())
    name = fields.String(required=True, validate=TEXT)
    village_code = fields.String(required=True, validate=validate.Regexp(r"^\d{12}$"))
    lat = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(-90, 90))
    lon = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(-180, 180))
    attributes = fields.Dict(keys=fields.String(), load_default=dict)
    status = fields.String(validate=validate.OneOf(("open", "closed")))
    closed_on = fields.Date()
    closed_reason = fields.String(validate=validate.Length(min=1, max=500))

    @validates_schema
    def closing_says_when_and_why(self, data, **_kw):
        if data.get("status") == "closed" and not (
            data.get("closed_on") and data.get("closed_reason")
        ):
            raise ValidationError("closing needs closed_on and closed_reason", "closed_reason")


class SiteSchema(Schema):
    code = fields.String()
    kind = fields.String()
    name = fields.String()
    village_code = fields.String()
    township_code = fields.String()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    attributes = fields.Dict()
    status = fields.String()
    closed_on = fields.Date(allow_none=True)
    closed_reason = fields.String(allow_none=True)


class SiteListSchema(Schema):
    sites = fields.List(fields.Nested(SiteSchema))


class ImportErrorSchema(Schema):
    row = fields.Integer(allow_none=True)
    message = fields.String()


class ImportResultSchema(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    errors = fields.List(fields.Nested(ImportErrorSchema))


class SiteInspectionInputSchema(Schema):
    class Meta:
        unknown = RAISE

    client_uuid = fields.UUID(required=True)
    site_code = fields.String(required=True, validate=CODE)
    inspected_on = fields.Date(required=True)
    answers = fields.Dict(required=True)
    base_revision = fields.Integer(validate=validate.Range(1, 10_000))  # PUT only


class SiteReviewSchema(Schema):
    class Meta:
        unknown = RAISE

    action = fields.String(required=True, validate=validate.OneOf(("approve", "return", "reopen")))
    comment = fields.String(load_default="", validate=validate.Length(max=2000))
    seen_revision = fields.Integer(load_default=None, validate=validate.Range(1, 10_000))

    @validates_schema
    def returning_says_why(self, data, **_kw):
        if data.get("action") == "return" and not data.get("comment", "").strip():
            raise ValidationError("returning needs a comment", "comment")


class SiteInspectionSchema(Schema):
    id = fields.Integer()
    client_uuid = fields.String()
    site_code = fields.String()
    kind = fields.String()
    inspected_on = fields.Date()
    answers = fields.Dict()
    status = fields.String()
    revision = fields.Integer()
    inspector = fields.String()
    review_comment = fields.String(allow_none=True)
    problems = fields.List(fields.Integer())
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class SamplingQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    kind = fields.String(required=True, validate=_sampled_kinds())
    month = fields.String(required=True, validate=[validate.Regexp(MONTH), _month])
    township = fields.String(validate=validate.Regexp(r"^\d{9}$"))


class PlannedSiteSchema(Schema):
    code = fields.String()
    name = fields.String()
    township_code = fields.String()
    due_on = fields.Date()
    source = fields.String()
    sampled = fields.Boolean()


class SamplingPlanSchema(Schema):
    kind = fields.String()
    month = fields.String()
    required = fields.Integer()
    sites = fields.List(fields.Nested(PlannedSiteSchema))


class SamplingAdjustSchema(Schema):
    class Meta:
        unknown = RAISE

    kind = fields.String(required=True, validate=_sampled_kinds())
    month = fields.String(required=True, validate=[validate.Regexp(MONTH), _month])
    site_code = fields.String(required=True, validate=CODE)
    drawn = fields.Boolean(required=True)


class SiteKindSchema(Schema):
    key = fields.String()
    label = fields.Dict()
    register = fields.List(fields.Dict())
    form = fields.Dict()
    sampling = fields.Dict(allow_none=True)
    indicators = fields.List(fields.String())


class SiteKindListSchema(Schema):
    kinds = fields.List(fields.Nested(SiteKindSchema))
