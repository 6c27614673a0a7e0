"""The dashboard: province, county, township, village and completeness pages, and their
exports.

Every figure comes from `app.rollups.reports` (the roll-up engine); the views only pick, order and
show. Township roles see their county's page and their own township; a county admin or viewer
with a county sees that county; without one, everything (app/accounts/policy.py,
app/accounts/access.py).
"""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from app.views.dashboard import export_estimates, export_routes, filters, routes  # noqa: E402,F401
