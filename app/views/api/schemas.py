"""marshmallow schemas for what the API takes and gives, apart from the inspection body, which
is built from the form definitions (app.formdefs.build). Module-level instances: one per shape."""

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates,
    validates_schema,
)

from app.periods import parse_period
from app.views.schema_fields import UTCDateTime


class TokenRequestSchema(Schema):
    class Meta:
        unknown = RAISE

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))


class TokenSchema(Schema):
    token = fields.String()
    expires_at = UTCDateTime()


COUNTY_CODE = validate.Regexp(r"^[0-9]{6}$")
TOWNSHIP_CODE = validate.Regexp(r"^[0-9]{9}$")


class CountySchema(Schema):
    code = fields.String()
    name = fields.String()
    township_count = fields.Integer()
    village_count = fields.Integer()


class TownshipQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    county = fields.String(validate=COUNTY_CODE)


class TownshipSchema(Schema):
    code = fields.String()
    name = fields.String()
    county_code = fields.String()
    kind = fields.String()
    village_count = fields.Integer()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)


class VillageQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    county = fields.String(validate=COUNTY_CODE)
    township = fields.String(validate=TOWNSHIP_CODE)

    @validates_schema
    def one_place(self, data, **_kwargs):
        if "county" in data and "township" in data:
            raise ValidationError("give a county or a township, not both", "township")


class VillageSchema(Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    township_code = fields.String(attribute="township.code")
    zone = fields.String()
    households = fields.Integer(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)


class InspectionQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    village = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{12}$"))
    # Described as the server takes it: year 0000 matches the regexp but is no date.
    period = fields.String(
        validate=validate.Regexp(r"^[0-9]{4}(Q[1-4])?$"),
        metadata={"pattern": r"^[1-9][0-9]{3}(Q[1-4])?$"},
    )

    @validates("period")
    def a_real_period(self, value, **_kw):
        try:
            parse_period(value)  # year 0000 matches the pattern but is no date
        except ValueError as error:
            raise ValidationError(str(error)) from None


class LocationSchema(Schema):
    lat = fields.Float()
    lon = fields.Float()
    accuracy_m = fields.Float(allow_none=True)


class InspectionSchema(Schema):
    """An inspection as stored: the submitted shape plus what the server adds."""

    id = fields.Integer()
    client_uuid = fields.String()
    village_code = fields.String()
    village_name = fields.String()
    township_code = fields.String()
    inspector = fields.String()
    inspected_on = fields.Date()
    quarter = fields.String()
    households = fields.Integer(allow_none=True)
    location = fields.Nested(LocationSchema, allow_none=True)
    notes = fields.String()
    sections = fields.Dict(keys=fields.String(), values=fields.Dict())
    # section → field → {basis: measured | estimated, coefficients: [editions], unverified}
    basis = fields.Dict(keys=fields.String(), values=fields.Dict())
    form_versions = fields.Dict(keys=fields.String(), values=fields.String())
    revision = fields.Integer()
    status = fields.String()
    review_comment = fields.String(allow_none=True)
    reviewed_by = fields.String(allow_none=True)
    reviewed_at = UTCDateTime(allow_none=True)
    deleted = fields.Boolean()
    delete_reason = fields.String(allow_none=True)
    created_at = UTCDateTime()
    updated_at = UTCDateTime()
    # For reviewers only: [{kind, …evidence, cleared, cleared_at, clear_reason, created_at}]
    # (kinds: app/models/photos.py FLAG_KINDS; evidence: app/inspections/integrity/).
    flags = fields.List(fields.Dict())


class ReviewSchema(Schema):
    """approve / reopen: an optional comment."""

    class Meta:
        unknown = RAISE

    comment = fields.String(load_default="", validate=validate.Length(max=2000))
    # The revision the reviewer looked at; refused (409) when the inspection changed since.
    revision = fields.Integer(load_default=None, validate=validate.Range(min=1), strict=True)


class ReturnSchema(Schema):
    """return: the inspector must be told what to fix."""

    class Meta:
        unknown = RAISE

    comment = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    revision = fields.Integer(load_default=None, validate=validate.Range(min=1), strict=True)


class DeleteSchema(Schema):
    class Meta:
        unknown = RAISE

    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class RevokeSchema(Schema):
    class Meta:
        unknown = RAISE

    all = fields.Boolean(load_default=False)


class RevisionSchema(Schema):
    number = fields.Integer()
    author = fields.String(attribute="author.username")
    created_at = UTCDateTime()
    payload = fields.Dict()


class ErrorBodySchema(Schema):
    code = fields.String()
    message = fields.String()


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema)


class ValidationErrorSchema(Schema):
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


token_request_schema = TokenRequestSchema()
token_schema = TokenSchema()
counties_schema = CountySchema(many=True)
township_query_schema = TownshipQuerySchema()
townships_schema = TownshipSchema(many=True)
village_query_schema = VillageQuerySchema()
villages_schema = VillageSchema(many=True)
inspection_query_schema = InspectionQuerySchema()
inspection_schema = InspectionSchema()
inspections_schema = InspectionSchema(many=True)
review_schema = ReviewSchema()
return_schema = ReturnSchema()
delete_schema = DeleteSchema()
revoke_schema = RevokeSchema()
revisions_schema = RevisionSchema(many=True)
