"""Build the marshmallow schema of an inspection from the form definitions.

One schema class per language is built when the app starts and then shared: it validates the
JSON API and the HTML form alike, so both give the same errors for the same input. The envelope
(UUID, village, date, location, notes) is fixed; the profile's fields sit at the top level
(`households`) and every other form is a section under `sections`.
"""

import math
import re
from datetime import date
from functools import partial

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validates,
    validates_schema,
)
from marshmallow.validate import Length, OneOf, Range, Regexp

from app.formdefs.constraints import cross_field_errors
from app.formdefs.loader import FieldDef, FormSet
from app.formdefs.messages import ENVELOPE_LABELS, message

EARLIEST_DATE = date(2020, 1, 1)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_CALENDAR_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
NOTES_MAX = 2000
_TYPE_MESSAGE = {
    "integer": "integer",
    "decimal": "number",
    "boolean": "boolean",
    "select_one": "text",
    "text": "text",
}


class CalendarDate(fields.Date):
    """Exactly YYYY-MM-DD, as the API documents and `<input type=date>` sends. Python's
    date.fromisoformat, which marshmallow uses, also takes 20261120 and 2026-W47-5."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not _CALENDAR_DATE.match(value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def build_inspection_schemas(form_set: FormSet, langs=("zh", "en")) -> dict[str, type[Schema]]:
    return {lang: build_inspection_schema(form_set, lang) for lang in langs}


def build_inspection_schema(form_set: FormSet, lang: str) -> type[Schema]:
    """The schema of one submitted inspection in `lang`: the envelope, the profile's fields, one
    nested schema per section, and the checks between answers."""
    words = _Words(lang)
    envelope = _envelope_fields(form_set, words)
    profile_fields = {f.key: _marshmallow_field(f, lang) for f in form_set.profile.fields}
    base = _inspection_base(form_set, words)
    return type("InspectionSchema", (base,), {**envelope, **profile_fields})


class _Words:
    """The messages in one language that the schema's fields and checks say."""

    def __init__(self, lang: str):
        self.lang = lang
        self.schema = {"unknown": message("unknown", lang), "type": message("object", lang)}

    def label(self, key: str) -> str:
        return ENVELOPE_LABELS[key][self.lang]

    def errors(self, kind_for_invalid: str, text_label: str) -> dict:
        return {
            "required": message("required", self.lang, label=text_label),
            "null": message("null", self.lang, label=text_label),
            "invalid": message(kind_for_invalid, self.lang, label=text_label),
            "invalid_uuid": message(kind_for_invalid, self.lang, label=text_label),
            "special": message("special", self.lang, label=text_label),
        }


def _location_schema(words: _Words) -> type[Schema]:
    def coordinate(key: str, lo: float, hi: float, **kwargs) -> fields.Float:
        return fields.Float(
            allow_nan=False,
            validate=Range(lo, hi, error=_range(words.lang, words.label(key))),
            error_messages=words.errors("number", words.label(key)),
            **kwargs,
        )

    return type(
        "LocationSchema",
        (Schema,),
        {
            "error_messages": words.schema,
            "lat": coordinate("lat", -90, 90, required=True),
            "lon": coordinate("lon", -180, 180, required=True),
            "accuracy_m": coordinate("accuracy_m", 0, 100_000, allow_none=True),
        },
    )


def _sections_schema(form_set: FormSet, words: _Words) -> type[Schema]:
    section_fields = {
        form.form_id: fields.Nested(
            _section_schema(form.fields, words.lang, words.schema),
            allow_none=False,
            error_messages={
                "type": message("object", words.lang),
                "null": message("null", words.lang, label=form.title[words.lang]),
            },
        )
        for form in form_set.sections
    }
    return type("SectionsSchema", (Schema,), {"error_messages": words.schema, **section_fields})


def _envelope_fields(form_set: FormSet, words: _Words) -> dict:
    lang, label, errors = words.lang, words.label, words.errors
    return {
        "client_uuid": fields.UUID(
            required=True, error_messages=errors("uuid", label("client_uuid"))
        ),
        "village_code": fields.String(
            required=True,
            validate=Regexp(
                r"^[0-9]{12}$", error=message("village_code", lang, label=label("village_code"))
            ),
            error_messages=errors("text", label("village_code")),
        ),
        "inspected_on": CalendarDate(
            required=True, error_messages=errors("date", label("inspected_on"))
        ),
        "location": fields.Nested(_location_schema(words), allow_none=True, load_default=None),
        "notes": fields.String(
            load_default="",
            validate=[
                Length(max=NOTES_MAX, error=message("length", lang, label=label("notes"))),
                _storable(lang),
            ],
            error_messages=errors("text", label("notes")),
        ),
        # When the phone opened the form and saved it (its clock, with its offset): recorded
        # for the review (app/inspections/integrity/), never a reason to refuse.
        "opened_at": _phone_time(errors("datetime", label("opened_at"))),
        "saved_at": _phone_time(errors("datetime", label("saved_at"))),
        "sections": fields.Nested(
            _sections_schema(form_set, words),
            required=True,
            error_messages={**errors("object", label("sections")), "type": message("object", lang)},
        ),
    }


def _phone_time(error_messages: dict) -> fields.AwareDateTime:
    return fields.AwareDateTime(allow_none=True, load_default=None, error_messages=error_messages)


def _inspection_base(form_set: FormSet, words: _Words) -> type[Schema]:
    lang, label = words.lang, words.label

    class InspectionBase(Schema):
        """Validates one submitted inspection; construct with `today=` the county's date."""

        error_messages = words.schema

        class Meta:
            unknown = RAISE

        def __init__(self, *args, today: date, **kwargs):
            super().__init__(*args, **kwargs)
            self.today = today

        @validates("inspected_on")
        def not_in_future(self, value, **_kw):
            if value > self.today:
                raise ValidationError(
                    message(
                        "future", lang, label=label("inspected_on"), today=self.today.isoformat()
                    )
                )
            if value < EARLIEST_DATE:
                raise ValidationError(
                    message(
                        "too_old",
                        lang,
                        label=label("inspected_on"),
                        earliest=EARLIEST_DATE.isoformat(),
                    )
                )

        @validates_schema(skip_on_field_errors=False, pass_original=True)
        def cross_field_constraints(self, data, original, **_kw):
            sections = data.get("sections") or {}
            if "sections" in data and not sections:
                raise ValidationError({"sections": [message("no_section", lang)]})
            sent = partial(_sent, original)
            if found := cross_field_errors(form_set, sections, data, sent, lang):
                raise ValidationError({"sections": found})

    return InspectionBase


def _sent(original, section: str) -> set:
    """The keys of a section that were sent with a value (valid or not)."""
    answers = ((original or {}).get("sections") or {}) if isinstance(original, dict) else {}
    answers = answers.get(section) if isinstance(answers, dict) else None
    if not isinstance(answers, dict):
        return set()
    return {k for k, v in answers.items() if v not in ("", None)}


def _section_schema(field_defs: tuple[FieldDef, ...], lang: str, schema_messages) -> type[Schema]:
    attrs = {f.key: _marshmallow_field(f, lang) for f in field_defs}
    optional = frozenset(f.key for f in field_defs)

    @pre_load
    def drop_blank_answers(self, data, **_kw):
        # A blank input means "not answered": required fields then say so, optional ones are absent.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (k in optional and v in ("", None))}
        return data

    attrs.update(
        error_messages=schema_messages,
        drop_blank_answers=drop_blank_answers,
        Meta=type("Meta", (), {"unknown": RAISE}),
    )
    return type(f"{field_defs[0].section.title()}Schema", (Schema,), attrs)


def _marshmallow_field(f: FieldDef, lang: str) -> fields.Field:
    text_label = f.label[lang]
    kwargs = {
        # A calculated field's blank is checked with the counts it is estimated from.
        "required": f.required and f.calculation is None,
        "error_messages": {
            "required": message("required", lang, label=text_label),
            "null": message("null", lang, label=text_label),
            "invalid": message(_TYPE_MESSAGE[f.type.name], lang, label=text_label),
            "special": message("special", lang, label=text_label),
            "too_large": message("number", lang, label=text_label),
        },
        "validate": [],
    }
    if f.type.storage == "num" and f.type.name != "boolean":
        kwargs["allow_nan"] = False
        lo = f.min if f.min is not None else -math.inf
        hi = f.max if f.max is not None else math.inf
        kwargs["validate"].append(Range(lo, hi, error=_range(lang, text_label)))
    if f.type.name == "integer":
        kwargs.pop("allow_nan")  # WholeNumber refuses NaN and infinity itself
    if f.type.name == "boolean":
        kwargs["truthy"] = {True, "true", "1", "yes", "on"}
        kwargs["falsy"] = {False, "false", "0", "no", "off"}
    if f.choices:
        kwargs["validate"].append(
            OneOf([c.name for c in f.choices], error=message("choice", lang, label=text_label))
        )
    if f.type.name in ("select_one", "text"):
        kwargs["validate"].append(Length(max=500, error=message("length", lang, label=text_label)))
        kwargs["validate"].append(_storable(lang))
    return f.type.marshmallow_field(**kwargs)


def _storable(lang: str):
    """Refuse NUL (PostgreSQL text cannot hold it; an HTML form can post %00) and lone
    surrogates (no database encodes them), which would otherwise fail as a 500 at commit."""

    def check(value: str) -> None:
        if _UNSTORABLE.search(value):
            raise ValidationError(message("unstorable", lang))

    return check


def _range(lang: str, text_label: str) -> str:
    # The label is filled in now; marshmallow fills {min} and {max} when it reports.
    return message("range", lang, label=text_label)
