"""Checking a site inspection's answers with the kind's form, through the village forms' own
field machinery (app/formdefs/build.py): the same types, ranges, choices and messages in both
languages. On top, the kind's `required_when` rules (a coal sample's verdict is required when
a sample was taken), which a village form does not have.
"""

from functools import cache

from marshmallow import ValidationError

from app.formdefs.build import _section_schema
from app.formdefs.messages import message
from app.sites.kinds import SiteKind, site_kinds


@cache
def _schema(kind_key: str, lang: str):
    kind = site_kinds()[kind_key]
    schema_messages = {"unknown": message("unknown", lang), "type": message("object", lang)}
    return _section_schema(kind.form.fields, lang, schema_messages)()


def check_answers(kind: SiteKind, answers, lang: str) -> dict:
    """The answers as stored (booleans as True/False, numbers as numbers), or ValidationError
    whose messages are keyed `answers.<field>`."""
    if not isinstance(answers, dict):
        raise ValidationError({"answers": [message("object", lang)]})
    try:
        clean = _schema(kind.key, lang).load(answers)
    except ValidationError as error:
        raise ValidationError(_prefixed(error.messages)) from None
    missing = {}
    for field, when, equals in kind.required_when:
        if clean.get(when) == equals and clean.get(field) is None:
            label = kind.form.field(field).label[lang]
            missing[f"answers.{field}"] = [message("required", lang, label=label)]
    if missing:
        raise ValidationError(missing)
    return clean


def _prefixed(messages) -> dict:
    if isinstance(messages, dict):
        return {f"answers.{key}": value for key, value in messages.items()}
    return {"answers": messages}
