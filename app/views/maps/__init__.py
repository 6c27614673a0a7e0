"""The village map (`/map`), the township-boundaries upload and confirming village locations."""

from flask import Blueprint

bp = Blueprint("maps", __name__)

from app.views.maps import locations, routes  # noqa: E402,F401
