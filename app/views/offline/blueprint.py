"""The `offline` blueprint object (and its request hooks), apart from the package so route
modules import it without importing the package that imports them."""

from flask import Blueprint

bp = Blueprint("offline", __name__, cli_group=None)
