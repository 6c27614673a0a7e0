"""The `api` blueprint object (and its request hooks), apart from the package so route
modules import it without importing the package that imports them."""

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
