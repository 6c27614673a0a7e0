"""The JSON API, /api/v1. One error shape for the whole API:
validation → 422 {"errors": {"field.path": ["message"]}}; anything else →
{"error": {"code": ..., "message": ...}}, in the caller's language (Accept-Language).

Bearer tokens need no CSRF token. A browser session may call the API too (the offline queue on
the phone does); then writes need the CSRF header like any form post.
"""

from flask import Blueprint, current_app, g, request

from app.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)


@bp.before_request
def protect_session_writes():
    # CSRFProtect.protect() ignores WTF_CSRF_ENABLED, so honour the switch here as its own
    # before_request hook does for the pages.
    if not current_app.config["WTF_CSRF_ENABLED"]:
        return
    if (
        g.get("actor") is not None
        and not g.get("via_token")
        and request.method not in ("GET", "HEAD", "OPTIONS")
    ):
        csrf.protect()


from app.views.api import (  # noqa: E402,F401
    errors,
    openapi,
    routes_auth,
    routes_changes,
    routes_coefficients,
    routes_geography,
    routes_inspections,
    routes_photos,
    routes_rollup,
)
