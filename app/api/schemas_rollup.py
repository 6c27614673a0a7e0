"""marshmallow schemas for the roll-up API: the query strings taken and the documents given.
Rates and targets are fractions (0–1); null where there is no rate or no target."""

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from app.periods import parse_period
from app.rollups.reports import LEVELS

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_TREND_PERIODS = 40


def _valid_period(code: str) -> None:
    try:
        period = parse_period(code)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if not FIRST_YEAR <= period.start.year <= LAST_YEAR:
        raise ValidationError(f"the year must be between {FIRST_YEAR} and {LAST_YEAR}")


class RollupQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    period = fields.String(required=True, validate=_valid_period)
    county = fields.String(
        validate=validate.Regexp(r"^\d{6}$"),
        metadata={"description": "limit to this county (levels county, township, village)"},
    )
    township = fields.String(
        validate=validate.Regexp(r"^\d{9}$"),
        metadata={"description": "limit to this township (levels township, village)"},
    )

    @validates_schema
    def scope_fits_the_level(self, data, **_kwargs):
        level = data.get("level")
        if "county" in data and "township" in data:
            raise ValidationError("give a county or a township, not both", "township")
        if level in ("province", "county") and "township" in data:
            raise ValidationError("a township goes with level township or village", "township")
        if level == "province" and "county" in data:
            raise ValidationError("a county goes with level county, township or village", "county")


class TrendQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    indicator = fields.String(required=True, validate=validate.Length(min=1, max=64))
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    code = fields.String(required=True, validate=validate.Regexp(r"^(\d{6}|\d{9}|\d{12})$"))
    periods = fields.Integer(load_default=8, validate=validate.Range(1, MAX_TREND_PERIODS))

    @validates_schema
    def code_length_matches_level(self, data, **_kwargs):
        digits = {"province": 6, "county": 6, "township": 9, "village": 12}.get(data.get("level"))
        if digits and len(data.get("code", "")) != digits:
            raise ValidationError(f"a {data['level']} code has {digits} digits", "code")


class IndicatorResultSchema(Schema):
    numerator = fields.Float()
    denominator = fields.Float()
    rate = fields.Float(allow_none=True)
    target = fields.Float(allow_none=True)
    meets = fields.Boolean(allow_none=True)
    status = fields.String()
    villages_reported = fields.Integer()


class UnitSchema(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String()
    villages_total = fields.Integer()
    villages_reported = fields.Integer()
    indicators = fields.Dict(keys=fields.String(), values=fields.Nested(IndicatorResultSchema))


class EstimatedShareSchema(Schema):
    field = fields.String(metadata={"description": "a calculated field, e.g. manure.produced_t"})
    label = fields.Dict(keys=fields.String(), values=fields.String())
    unit = fields.Dict(keys=fields.String(), values=fields.String())
    estimated = fields.Float(metadata={"description": "Σ of the answers stored as estimated"})
    total = fields.Float(metadata={"description": "Σ of all answers of the field"})
    share = fields.Float(allow_none=True, metadata={"description": "estimated ÷ total"})


class RollupSchema(Schema):
    period = fields.String()
    level = fields.String()
    scope = fields.String(
        allow_none=True,
        metadata={"description": "the county or township code the units lie in; null: all"},
    )
    counts = fields.String(metadata={"description": "approved: approved inspections only; all"})
    units = fields.List(fields.Nested(UnitSchema))
    estimated = fields.List(
        fields.Nested(EstimatedShareSchema),
        allow_none=True,
        metadata={
            "description": "how much of each calculated figure in the scope is estimated; null "
            "for a whole province while the roll-up summary is on"
        },
    )


class TrendPointSchema(IndicatorResultSchema):
    period = fields.String()


class TrendSchema(Schema):
    counts = fields.String(metadata={"description": "approved: approved inspections only; all"})
    indicator = fields.String()
    level = fields.String()
    code = fields.String()
    series = fields.List(fields.Nested(TrendPointSchema))


rollup_query_schema = RollupQuerySchema()
trend_query_schema = TrendQuerySchema()
rollup_schema = RollupSchema()
trend_schema = TrendSchema()
