"""The client's address as the app stores it: a valid IPv4 or IPv6 address, or nothing.

Behind a reverse proxy (`PROXY_COUNT`), `request.remote_addr` is whatever the client's
X-Forwarded-For said: a 100-character string there made the throttle's insert fail on
PostgreSQL (a 500 instead of a 401). Only a parsed address is kept; anything else is stored as
"invalid", one bucket for every forged value (so forging one does not escape the throttle).
"""

import ipaddress

from flask import has_request_context, request

INVALID = "invalid"


def client_address() -> str | None:
    """The request's client address normalised (at most 45 characters), "invalid" for one that
    does not parse, None outside a request."""
    if not has_request_context():
        return None
    raw = (request.remote_addr or "").strip()
    if not raw:
        return INVALID
    try:
        return str(ipaddress.ip_address(raw.split("%", 1)[0]))
    except ValueError:
        return INVALID
