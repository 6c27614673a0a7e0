"""One place that answers every HTTP error: JSON under /api, a page (or the sign-in page for a
401) elsewhere."""

from flask import make_response, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from app.security import with_allow
from app.views.error_shape import error_response
from app.views.web.blueprint import bp


@bp.app_errorhandler(HTTPException)
def on_http_error(error: HTTPException):
    if request.path.startswith("/api/"):
        return with_allow(error_response(error.code or 500), error)
    if error.code == 401:
        return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
    page = make_response(render_template("web/error.html", error=error), error.code)
    return with_allow(page, error)
