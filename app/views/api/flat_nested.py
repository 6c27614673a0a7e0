"""A marshmallow Nested field for flat schemas, dumped without a marshmallow call per field.

The 120 counties' table dumps 120 units holding 1,080 indicator results of 12 fields each:
through marshmallow's per-field machinery that was 40 % of the request's CPU (issue 21's
profile). The schema stays the one list of the fields and their types, and what OpenAPI
documents; only the dump takes a short cut, converting each value as the schema's field would
(None stays None). Dump only: loading keeps marshmallow's validation. Flat means scalar fields
(Float, Integer, Boolean, String), or a Dict of string keys whose values are a FlatNested (a
unit's indicators): anything else is refused when the field is first used. An object is read by
attribute, a dict by key: every field must be there (a missing one raises, where marshmallow
would leave it out).
"""

from operator import getitem

from marshmallow import Schema, fields

CONVERTERS = ((fields.Float, float), (fields.Integer, int), (fields.Boolean, bool))


class FlatNested(fields.Nested):
    def __init__(self, schema: type[Schema], **kwargs):
        super().__init__(schema, **kwargs)
        self._plan = _plan(schema)

    def _serialize(self, nested_obj, attr, obj, **kwargs):
        if nested_obj is None:
            return None
        read = getitem if isinstance(nested_obj, dict) else getattr
        out = {}
        for name, attribute, convert in self._plan:
            value = read(nested_obj, attribute)
            out[name] = None if value is None else convert(value)
        return out


def _plan(schema: type[Schema]) -> tuple:
    """(output name, attribute, converter) per field of `schema`, in its order."""
    plan = []
    for name, field in schema().dump_fields.items():
        convert = str if type(field) is fields.String else _flat_dict(field)
        for kind, function in CONVERTERS:
            if type(field) is kind:
                convert = function
        if convert is None:
            raise TypeError(f"{schema.__name__}.{name} is not a scalar field: use fields.Nested")
        plan.append((field.data_key or name, field.attribute or name, convert))
    return tuple(plan)


def _flat_dict(field):
    """The converter of a Dict(keys=String, values=FlatNested), else None."""
    if type(field) is not fields.Dict or not isinstance(field.value_field, FlatNested):
        return None
    if field.key_field is not None and type(field.key_field) is not fields.String:
        return None
    inner = field.value_field._serialize
    return lambda mapping: {str(k): inner(v, None, None) for k, v in mapping.items()}
