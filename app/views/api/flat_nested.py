"""A marshmallow Nested field for flat schemas, dumped without a marshmallow call per field.

The 120 counties' table dumps 1,080 indicator results of 12 fields each: through marshmallow's
per-field machinery that was 40 % of the request's CPU (issue 21's profile). The schema stays
the one list of the fields and their types, and what OpenAPI documents; only the dump takes a
short cut, converting each value as the schema's field would (None stays None). Dump only:
loading keeps marshmallow's validation. Flat means scalar fields (Float, Integer, Boolean,
String): anything else is refused when the field is first used.
"""

from marshmallow import Schema, fields

CONVERTERS = ((fields.Float, float), (fields.Integer, int), (fields.Boolean, bool))


class FlatNested(fields.Nested):
    def __init__(self, schema: type[Schema], **kwargs):
        super().__init__(schema, **kwargs)
        self._plan = _plan(schema)

    def _serialize(self, nested_obj, attr, obj, **kwargs):
        if nested_obj is None:
            return None
        out = {}
        for name, attribute, convert in self._plan:
            value = getattr(nested_obj, attribute)
            out[name] = None if value is None else convert(value)
        return out


def _plan(schema: type[Schema]) -> tuple:
    """(output name, attribute, converter) per field of `schema`, in its order."""
    plan = []
    for name, field in schema().dump_fields.items():
        convert = str if type(field) is fields.String else None
        for kind, function in CONVERTERS:
            if type(field) is kind:
                convert = function
        if convert is None:
            raise TypeError(f"{schema.__name__}.{name} is not a scalar field: use fields.Nested")
        plan.append((field.data_key or name, field.attribute or name, convert))
    return tuple(plan)
