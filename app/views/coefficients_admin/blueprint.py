"""The `coefficients_admin` blueprint object, apart from the package so route modules import it
without importing the package that imports them."""

from flask import Blueprint

bp = Blueprint("coefficients_admin", __name__)
