"""The `dashboard` blueprint object (and its request hooks), apart from the package so route
modules import it without importing the package that imports them."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
