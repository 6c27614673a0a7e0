"""Reading request bodies with the API's error shape."""

import json
import re

from flask import request
from marshmallow import ValidationError
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from app.formdefs.messages import message
from app.i18n import current_lang

# NUL cannot be stored in PostgreSQL text, and a lone surrogate ("\ud800", legal JSON escape
# syntax) cannot be encoded as UTF-8 by either database: both would fail as a 500 at commit.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class MalformedJSON(BadRequest):
    pass


def json_body():
    """The request's JSON value; 415 when it is not JSON, 400 when it does not parse, 422 when
    a string holds a character that cannot be stored.

    NaN and Infinity are not JSON (RFC 8259) and are refused like any malformed body.
    """
    if not request.is_json:
        raise UnsupportedMediaType()
    try:
        value = json.loads(request.get_data(cache=True), parse_constant=_refuse_constant)
        bad = sorted(set(_unstorable_paths(value, "")))
    except (ValueError, UnicodeDecodeError, RecursionError):  # nesting deeper than Python's stack
        raise MalformedJSON() from None
    if bad:
        text = message("unstorable", current_lang())
        raise ValidationError({path: [text] for path in bad})
    return value


def query_args() -> dict[str, str]:
    """The query string for a schema, less `lang`: the site-wide language switch (app.i18n)
    may ride on any URL and is not an unknown parameter."""
    return {k: v for k, v in request.args.items() if k != "lang"}


def _unstorable_paths(value, path: str):
    """Paths of the strings (or the objects whose keys) holding a character no database keeps."""
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            yield path or "_schema"
    elif isinstance(value, dict):
        for key, item in value.items():
            if _UNSTORABLE.search(key):
                yield path or "_schema"
            else:
                yield from _unstorable_paths(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unstorable_paths(item, f"{path}.{index}" if path else str(index))


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def optional_json_body():
    """Like json_body, but an empty body is an empty object (approve, reopen, revoke)."""
    if not request.get_data(cache=True):
        return {}
    return json_body()
