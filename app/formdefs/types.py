"""The read-only registry of field types, after pyxform's: a form may use only these.

Each type says how its answer is stored (a number in `value_num` or text in `value_text`), which
marshmallow field validates it, and which HTML input the mobile form shows.
"""

import math
import re
from dataclasses import dataclass
from types import MappingProxyType

from marshmallow import fields

_ASCII_INTEGER = re.compile(r"^[+-]?[0-9]+$")
# A number typed with thousands separators ("2,978", "1,200.5", or the full-width "2，978" of a
# Chinese keyboard) is read without them: only groups of exactly three digits, so "12,34" (a
# decimal comma?) stays an error. The one rule: the phone applies the same pattern, which the
# rules document carries (app/formdefs/rules.py), before checking a number.
THOUSANDS_PATTERN = r"^[+-]?[0-9]{1,3}(?:[,，][0-9]{3})+(?:\.[0-9]+)?$"
THOUSANDS_SEPARATORS = "[,，]"
_THOUSANDS = re.compile(THOUSANDS_PATTERN)


def without_thousands(value):
    """ "2,978" → "2978"; anything else unchanged."""
    if isinstance(value, str) and _THOUSANDS.match(value.strip()):
        return re.sub(THOUSANDS_SEPARATORS, "", value.strip())
    return value


class WholeNumber(fields.Integer):
    """An integer that refuses a fraction instead of truncating it.

    marshmallow's non-strict Integer turns 10.5 into 10, which would store a number nobody
    entered. The HTML form posts strings, so "10" is still accepted; 10.0 is 10 (JSON writers
    often emit it); 10.5, "10.5", "1e3" and booleans are errors.
    """

    default_error_messages = {"special": "Not a finite number."}

    def _validated(self, value):
        if value is True or value is False:
            raise self.make_error("invalid", input=value)
        if isinstance(value, float):
            if not math.isfinite(value):  # 1e400 in JSON parses as infinity
                raise self.make_error("special", input=value)
            if not value.is_integer():
                raise self.make_error("invalid", input=value)
            return int(value)
        if isinstance(value, str):
            text = without_thousands(value).strip()
            if not _ASCII_INTEGER.match(text):
                raise self.make_error("invalid", input=value)
            value = text
        return super()._validated(value)


class DecimalNumber(fields.Float):
    """A float that reads "1,200.5" as 1200.5 (thousands separators, the rule above)."""

    def _validated(self, value):
        return super()._validated(without_thousands(value))


@dataclass(frozen=True)
class FieldType:
    name: str
    storage: str  # "num" | "text"
    marshmallow_field: type[fields.Field]
    html_input: str  # "number" | "select" | "boolean" | "text"
    input_mode: str = ""  # the phone keyboard to show
    step: str = ""


FIELD_TYPES = MappingProxyType(
    {
        "integer": FieldType("integer", "num", WholeNumber, "number", "numeric", "1"),
        "decimal": FieldType("decimal", "num", DecimalNumber, "number", "decimal", "any"),
        # Not an XLSForm type: exported to ODK as `select_one yes_no`.
        "boolean": FieldType("boolean", "num", fields.Boolean, "boolean"),
        "select_one": FieldType("select_one", "text", fields.String, "select"),
        "text": FieldType("text", "text", fields.String, "text"),
    }
)


def parse_type(type_column: str) -> tuple[FieldType, str | None]:
    """Split XLSForm's `select_one list_name` into the type and its choice list."""
    head, _, list_name = type_column.strip().partition(" ")
    if head not in FIELD_TYPES:
        raise ValueError(f"unknown field type {head!r}; known: {', '.join(FIELD_TYPES)}")
    if (head == "select_one") != bool(list_name):
        raise ValueError(f"type {type_column!r}: select_one needs a list name, others take none")
    return FIELD_TYPES[head], list_name or None
