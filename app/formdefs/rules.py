"""The inspection schema's rules as data, for the phone to check what the server checks.

`static/js/form-rules.js` evaluates this document in the browser, so an error shows beside its
field at once, offline too. Nothing here restates a rule: every type, bound, choice list,
length, pattern and message is read off the marshmallow schema that `build.py` compiled for the
language (so the texts are the server's own, already in that language), and the cross-field
constraints come from app/formdefs/constraints.py, which the schema's `cross_field_constraints`
uses, with its arithmetic (`SUM_RULE`: the tolerance and how a limit is shown).
`tests/formdefs/test_form_rules.py` runs the validation tests' hostile corpus through both and
proves they agree. The server stays the authority: a phone with old rules is corrected by the 422.
"""

from datetime import date

from marshmallow import Schema, fields
from marshmallow.validate import Length, OneOf, Range, Regexp

from app.formdefs.build import EARLIEST_DATE, CalendarDate
from app.formdefs.constraints import SUM_RULE, estimable_fields
from app.formdefs.loader import FormSet
from app.formdefs.messages import ENVELOPE_LABELS, message
from app.formdefs.types import THOUSANDS_PATTERN, THOUSANDS_SEPARATORS, WholeNumber

# Which JS check each marshmallow field class stands for (most specific first).
_KINDS = (
    (WholeNumber, "int"),
    (fields.Float, "num"),
    (fields.Boolean, "bool"),
    (fields.UUID, "uuid"),
    (CalendarDate, "date"),
    (fields.String, "str"),
    (fields.Nested, "obj"),
)


def rules_document(form_set: FormSet, schema: Schema, lang: str, today: date, tz: str):
    """The JSON-able rules of `schema` (built for `lang` and `today`), with the county's `today`
    and time zone so the phone can tell tomorrow from today after midnight without the server."""
    sections = schema.fields["sections"].schema
    return {
        "lang": lang,
        "today": today.isoformat(),
        "tz": tz,
        "earliest": EARLIEST_DATE.isoformat(),
        "messages": {
            kind: message(kind, lang) for kind in ("unknown", "object", "no_section", "unstorable")
        },
        "future": message(
            "future", lang, label=ENVELOPE_LABELS["inspected_on"][lang], today="{today}"
        ),
        "too_old": message(
            "too_old",
            lang,
            label=ENVELOPE_LABELS["inspected_on"][lang],
            earliest=EARLIEST_DATE.isoformat(),
        ),
        "schema": _schema_rules(schema),
        "profile": [f.key for f in form_set.profile.fields],
        "booleans": _boolean_words(sections),
        "estimable": _estimable(form_set, lang),
        "constraints": _constraints(form_set, lang),
        "checks": _checks(form_set, lang),
        "sum_rule": SUM_RULE,
        "labels": _labels(form_set, lang),
        "thousands": {"pattern": THOUSANDS_PATTERN, "separators": THOUSANDS_SEPARATORS},
    }


# Recorded by the phone itself (when the form was opened and saved), never typed in: nothing for
# the browser to check, and the server's use of them is not the phone's to know.
RECORDED_NOT_ENTERED = frozenset({"opened_at", "saved_at"})


def _schema_rules(schema: Schema, drops_blank: bool = False) -> dict:
    return {
        "fields": {
            name: _field_rules(f, drops_blank)
            for name, f in schema.fields.items()
            if name not in RECORDED_NOT_ENTERED
        }
    }


def _field_rules(field: fields.Field, dropped_if_blank: bool) -> dict:
    kind = next((k for cls, k in _KINDS if isinstance(field, cls)), None)
    if kind is None:  # a new kind of field needs its check in form-rules.js first
        raise ValueError(f"no browser rule for field {field!r}")
    rules = {
        "kind": kind,
        "required": field.required,
        "nullable": field.allow_none,
        "messages": _messages(field, kind, dropped_if_blank),
        "checks": [c for c in map(_validator_rules, field.validators) if c],
    }
    if kind == "obj":
        # A section drops its blank answers before checking: they are "not answered".
        rules["drop_blank"] = bool(field.schema._hooks["pre_load"])
        rules["schema"] = _schema_rules(field.schema, rules["drop_blank"])
    return rules


def _messages(field: fields.Field, kind: str, dropped_if_blank: bool) -> dict[str, str]:
    """The field's messages the browser can need (an optional field is never "required", an
    answer dropped when blank never "null")."""
    wanted = {"invalid"} if kind != "obj" else set()
    wanted |= {"required"} if field.required else set()
    wanted |= set() if field.allow_none or dropped_if_blank else {"null"}
    wanted |= {"special"} if kind in ("int", "num") else set()
    return {k: field.error_messages[k] for k in sorted(wanted)}


def _validator_rules(validator) -> dict | None:
    if isinstance(validator, Range):
        return {
            "range": [_bound(validator.min), _bound(validator.max)],
            "message": validator.error.format(input="", min=validator.min, max=validator.max),
        }
    if isinstance(validator, OneOf):
        return {"one_of": list(validator.choices), "message": validator.error}
    if isinstance(validator, Length):
        return {"max_length": validator.max, "message": validator.error.format(max=validator.max)}
    if isinstance(validator, Regexp):
        return {"pattern": validator.regex.pattern, "message": validator.error}
    if getattr(validator, "__qualname__", "").startswith("_storable"):
        return {"storable": True}
    raise ValueError(f"no browser rule for validator {validator!r}")


def _bound(value):
    return None if value in (float("inf"), float("-inf")) else value


def _boolean_words(sections: Schema) -> dict:
    """marshmallow's truthy/falsy words for booleans (the form sends true/false)."""
    for section in sections.fields.values():
        for field in section.schema.fields.values():
            if isinstance(field, fields.Boolean):
                words = {"true": [], "false": []}
                for key, values in (("true", field.truthy), ("false", field.falsy)):
                    words[key] = sorted(v for v in values if isinstance(v, str))
                return words
    return {"true": ["true"], "false": ["false"]}


def _estimable(form_set: FormSet, lang: str) -> list[dict]:
    """A required calculated field may be left blank when the counts it is estimated from are
    there (app/formdefs/constraints.py `unestimable`): its definition, for the same test on the
    phone."""
    return [
        {
            "section": form.form_id,
            "field": f.key,
            "calculate": f.calculation.as_json(),
            "message": message("required_or_counts", lang, label=f.label[lang]),
        }
        for form, f in estimable_fields(form_set)
    ]


def _constraints(form_set: FormSet, lang: str) -> list[dict]:
    out = []
    for form in form_set.sections:
        for c in form.constraints:
            section, _, key = c.limit.rpartition(".")
            limit_form = form_set.by_id[section] if section else form
            out.append(
                {
                    "section": form.form_id,
                    "terms": list(c.terms),
                    "limit": key,
                    "limit_in_profile": limit_form.form_id == "profile",
                    "limit_is_integer": limit_form.field(key).type.name == "integer",
                    # a sum of whole numbers adds "the figures entered add up to N"
                    "sum_typed": message("sum_typed", lang, sum="{sum}")
                    if len(c.terms) > 1
                    and all(form.field(t).type.name == "integer" for t in c.terms)
                    else "",
                    "path": c.path,
                    "message": c.message[lang],
                }
            )
    return out


def _checks(form_set: FormSet, lang: str) -> list[dict]:
    """Each field's own constraint as its parsed tree, walked by static/js/xpath-eval.js as
    app/formdefs/constraints.py `broken_checks` walks it."""
    return [
        {
            "section": form.form_id,
            "field": f.key,
            "tree": f.check,
            "message": f.constraint_message[lang],
        }
        for form in form_set.sections
        for f in form.fields
        if f.check
    ]


def _labels(form_set: FormSet, lang: str) -> list[list[str]]:
    """[path, label with its unit] in the form's order, as the queue lists a refused entry's
    errors ("农膜回收量（吨）"); a list, since the page's JSON sorts an object's keys."""
    labels = {key: text[lang] for key, text in ENVELOPE_LABELS.items()}
    for form in form_set.forms:
        prefix = "" if form.form_id == "profile" else f"sections.{form.form_id}."
        if prefix:
            labels[f"sections.{form.form_id}"] = form.title[lang]
        for f in form.fields:
            text = f.label[lang]
            if f.unit:
                text += f"（{f.unit[lang]}）" if lang == "zh" else f" ({f.unit[lang]})"
            labels[prefix + f.key] = text
    for key in ("lat", "lon", "accuracy_m"):  # as the API names them (the form: `lat`)
        labels[f"location.{key}"] = labels.pop(key)
    return [[path, text] for path, text in labels.items()]
