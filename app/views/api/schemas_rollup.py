"""marshmallow schemas for the roll-up API: the query strings taken and the documents given.
Rates and targets are fractions (0–1); null where there is no rate or no target."""

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from app.periods import parse_any_period, parse_period
from app.rollups.core import STATUSES
from app.rollups.reports import LEVELS
from app.rollups.target_path import PATH_STATUSES
from app.views.api.flat_nested import FlatNested

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_TREND_PERIODS = 40


def _valid_period(code: str, parse=parse_period) -> None:
    try:
        period = parse(code)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if not FIRST_YEAR <= period.start.year <= LAST_YEAR:
        raise ValidationError(f"the year must be between {FIRST_YEAR} and {LAST_YEAR}")


def _valid_rollup_period(code: str) -> None:
    """A quarter, a year, or a month (the site figures only; issue 23)."""
    _valid_period(code, parse_any_period)


class RollupQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    period = fields.String(
        required=True,
        validate=_valid_rollup_period,
        metadata={
            "pattern": r"^(20[0-9]{2}|2100)(Q[1-4]|-(0[1-9]|1[0-2]))?$",
            "description": "e.g. 2026Q4, 2026, or a month 2026-12 (site figures only, levels "
            "county and township)",
        },
    )
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
        if "-" in data.get("period", "") and level not in ("county", "township"):
            raise ValidationError("a month goes with level county or township", "period")


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
    status = fields.String(
        validate=validate.OneOf(STATUSES),
        metadata={
            "description": "meets | near (< 10 points below) | behind | insufficient_data "
            "(coverage below the county's threshold: not judged) | no_data | no_target"
        },
    )
    villages_reported = fields.Integer()
    units = fields.Integer(
        allow_none=True,
        metadata={"description": "units of the kinds the indicator counts (villages, communities)"},
    )
    coverage = fields.Float(
        allow_none=True, metadata={"description": "villages_reported ÷ units (0–1); null: no unit"}
    )
    path_expected = fields.Float(
        allow_none=True,
        metadata={
            "description": "the value expected this period on the straight path from the "
            "target's baseline to its deadline (0–1); the target when it has no path"
        },
    )
    path_status = fields.String(
        allow_none=True,
        validate=validate.OneOf(PATH_STATUSES),
        metadata={
            "description": "met | on_track | behind_path; null without a rate, a target "
            "or enough coverage"
        },
    )


class UnitSchema(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String()
    villages_total = fields.Integer()
    villages_reported = fields.Integer()
    indicators = fields.Dict(keys=fields.String(), values=FlatNested(IndicatorResultSchema))


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
    units = fields.List(FlatNested(UnitSchema))  # 120 counties: no marshmallow call per field
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
    series = fields.List(FlatNested(TrendPointSchema))


rollup_query_schema = RollupQuerySchema()
trend_query_schema = TrendQuerySchema()
rollup_schema = RollupSchema()
trend_schema = TrendSchema()


class RankingQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    indicator = fields.String(required=True, validate=validate.Length(min=1, max=64))
    period = fields.String(
        required=True,
        validate=_valid_period,
        metadata={"pattern": r"^(20[0-9]{2}|2100)(Q[1-4])?$", "description": "e.g. 2026Q4 or 2026"},
    )
    level = fields.String(
        load_default="village",
        validate=validate.OneOf(("village", "township")),
        metadata={"description": "rank the villages (default) or the townships"},
    )
    county = fields.String(
        validate=validate.Regexp(r"^\d{6}$"),
        metadata={"description": "the county ranked (default: the caller's)"},
    )
    township = fields.String(
        validate=validate.Regexp(r"^\d{9}$"),
        metadata={"description": "rank this township's villages (level village)"},
    )

    @validates_schema
    def scope_fits_the_level(self, data, **_kwargs):
        if "county" in data and "township" in data:
            raise ValidationError("give a county or a township, not both", "township")
        if data.get("level") == "township" and "township" in data:
            raise ValidationError("a township goes with level village", "township")


class RankRowSchema(Schema):
    position = fields.Integer(
        allow_none=True, metadata={"description": "1 = furthest behind; null: not ranked"}
    )
    code = fields.String()
    name = fields.String()
    township = fields.String(metadata={"description": "the village's township name"})
    zone = fields.String(metadata={"description": "a township's zones: most villages first"})
    rate = fields.Float(allow_none=True)
    target = fields.Float(allow_none=True)
    gap = fields.Float(
        allow_none=True, metadata={"description": "shown rate − shown target, percentage points"}
    )
    numerator = fields.Float()
    denominator = fields.Float()
    status = fields.String(validate=validate.OneOf(STATUSES))
    path_expected = fields.Float(allow_none=True)
    path_status = fields.String(allow_none=True, validate=validate.OneOf(PATH_STATUSES))
    villages_reported = fields.Integer()
    units = fields.Integer(allow_none=True)
    last_inspected = fields.Date(allow_none=True)


class RankingSchema(Schema):
    indicator = fields.String()
    period = fields.String()
    level = fields.String()
    scope = fields.String(metadata={"description": "the county or township code ranked"})
    counts = fields.String(metadata={"description": "approved: approved inspections only; all"})
    rows = fields.List(fields.Nested(RankRowSchema))


ranking_query_schema = RankingQuerySchema()
ranking_schema = RankingSchema()
