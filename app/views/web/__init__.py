"""Pages outside the inspection form: sign-in, sign-out, the home page, and error pages."""

from flask import Blueprint

bp = Blueprint("web", __name__)

from app.views.web import account, errors, routes  # noqa: E402,F401
