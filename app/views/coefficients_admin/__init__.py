"""/admin/coefficients: a county admin reads every coefficient edition with its source and grade,
appends a new edition, and says how sheep and beef cattle are counted (存栏 or 出栏).

Editions are never edited in place (app/formdefs/coefficients.py): an estimate already stored keeps
the edition it was worked out with, and names it.
"""

# Importing the route modules registers their routes on `bp`.
from app.views.coefficients_admin import routes  # noqa: F401
from app.views.coefficients_admin.blueprint import bp

__all__ = ["bp"]
