"""/admin/coefficients: a county admin reads every coefficient edition with its source and grade,
appends a new edition, and says how sheep and beef cattle are counted (存栏 or 出栏).

Editions are never edited in place (app/coefficients.py): an estimate already stored keeps the
edition it was worked out with, and names it.
"""

from flask import Blueprint

bp = Blueprint("coefficients_admin", __name__)

from app.coefficients_admin import routes  # noqa: E402,F401
