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
    raw = request.get_data(cache=True)
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
        bad = sorted(set(_unstorable_paths(value, ""))) if _may_hold_unstorable(raw) else []
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


def _may_hold_unstorable(raw: bytes) -> bool:
    """Whether the parsed body needs searching, for the walk through every value is skipped on
    the usual body. JSON refuses a raw NUL in a string, so a NUL comes from a backslash escape;
    a lone surrogate comes from an escape or, as Python's json reads bytes with surrogatepass,
    from the bytes ED A0–ED BF. UTF-16 and UTF-32 bodies have zero bytes: searched too."""
    return b"\\" in raw or b"\x00" in raw or b"\xed" in raw


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
