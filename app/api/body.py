"""Reading request bodies with the API's error shape."""

import json

from flask import request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType


class MalformedJSON(BadRequest):
    pass


def json_body():
    """The request's JSON value; 415 when it is not JSON, 400 when it does not parse.

    NaN and Infinity are not JSON (RFC 8259) and are refused like any malformed body.
    """
    if not request.is_json:
        raise UnsupportedMediaType()
    try:
        value = json.loads(request.get_data(cache=True), parse_constant=_refuse_constant)
        _check_text(value)
    except (ValueError, UnicodeError, RecursionError):
        raise MalformedJSON() from None
    return value


def _check_text(value) -> None:
    """No NUL characters (PostgreSQL text refuses them) and no lone surrogates (`\\ud800` is
    valid JSON but no Unicode text): ValueError / UnicodeError for either, anywhere inside."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("NUL in text")
        value.encode("utf-8")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_text(item)


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def optional_json_body():
    """Like json_body, but an empty body is an empty object (approve, reopen, revoke)."""
    if not request.get_data(cache=True):
        return {}
    return json_body()
