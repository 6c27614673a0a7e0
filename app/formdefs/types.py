"""The read-only registry of field types, after pyxform's: a form may use only these.

Each type says how its answer is stored (a number in `value_num` or text in `value_text`), which
marshmallow field validates it, and which HTML input the mobile form shows.
"""

from dataclasses import dataclass
from types import MappingProxyType

from marshmallow import fields


class WholeNumber(fields.Integer):
    """An integer that also takes the form's text ("12"), but never truncates: marshmallow's
    non-strict Integer turns 1.5 households into 1 silently; here 1.5 is invalid."""

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


@dataclass(frozen=True)
class FieldType:
    name: str
    storage: str  # "num" | "text"
    marshmallow_field: type[fields.Field]
    html_input: str  # "number" | "select" | "boolean" | "text"
    input_mode: str = ""  # the phone keyboard to show
    step: str = ""


FIELD_TYPES = MappingProxyType({
    "integer": FieldType("integer", "num", WholeNumber, "number", "numeric", "1"),
    "decimal": FieldType("decimal", "num", fields.Float, "number", "decimal", "any"),
    # Not an XLSForm type: exported to ODK as `select_one yes_no`.
    "boolean": FieldType("boolean", "num", fields.Boolean, "boolean"),
    "select_one": FieldType("select_one", "text", fields.String, "select"),
    "text": FieldType("text", "text", fields.String, "text"),
})


def parse_type(type_column: str) -> tuple[FieldType, str | None]:
    """Split XLSForm's `select_one list_name` into the type and its choice list."""
    head, _, list_name = type_column.strip().partition(" ")
    if head not in FIELD_TYPES:
        raise ValueError(f"unknown field type {head!r}; known: {', '.join(FIELD_TYPES)}")
    if (head == "select_one") != bool(list_name):
        raise ValueError(f"type {type_column!r}: select_one needs a list name, others take none")
    return FIELD_TYPES[head], list_name or None
