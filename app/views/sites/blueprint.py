"""The `sites` blueprint object, apart from the package so route modules import it without
importing the package that imports them."""

from flask import Blueprint

bp = Blueprint("sites", __name__)
