"""GET /api/v1/coefficients: every coefficient edition, with its source and confidence grade."""

from marshmallow import Schema, fields


class CoefficientSchema(Schema):
    id = fields.Integer()
    key = fields.String()
    label = fields.Dict(keys=fields.String(), values=fields.String())  # {"zh": …, "en": …}
    value = fields.Float()
    unit = fields.String()
    scope = fields.String()
    source = fields.String()
    grade = fields.String()  # A, B, C, D or U (app/models/coefficients.py)
    unverified = fields.Boolean()
    applies_from = fields.Date()
    note = fields.String()
    in_force = fields.Boolean()  # the edition estimates made today use


class CoefficientListSchema(Schema):
    on = fields.Date()  # the county's today: what `in_force` refers to
    coefficients = fields.List(fields.Nested(CoefficientSchema))


coefficient_list_schema = CoefficientListSchema()
