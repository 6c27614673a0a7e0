"""One place that answers every HTTP error: JSON under /api, a page (or the sign-in page for a
401) elsewhere."""

from flask import redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from app.views.error_shape import error_response
from app.views.web.blueprint import bp


@bp.app_errorhandler(HTTPException)
def on_http_error(error: HTTPException):
    if request.path.startswith("/api/"):
        return error_response(error.code or 500)
    if error.code == 401:
        return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
    return render_template("web/error.html", error=error), error.code
