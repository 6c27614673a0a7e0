"""The `admin` blueprint object (and its request hooks), apart from the package so route
modules import it without importing the package that imports them."""

from flask import Blueprint

bp = Blueprint("admin", __name__)
