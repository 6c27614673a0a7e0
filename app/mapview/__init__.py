"""The village map (`/map`) and the township-boundaries upload."""

from flask import Blueprint

bp = Blueprint("maps", __name__)

from app.mapview import routes  # noqa: E402,F401
