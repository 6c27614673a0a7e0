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
        return json.loads(request.get_data(cache=True), parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError):
        raise MalformedJSON() from None


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def optional_json_body():
    """Like json_body, but an empty body is an empty object (approve, reopen, revoke)."""
    if not request.get_data(cache=True):
        return {}
    return json_body()
