"""The `problems_web` blueprint object, apart from the package so route modules import it
without importing the package that imports them."""

from flask import Blueprint

bp = Blueprint("problems_web", __name__)
