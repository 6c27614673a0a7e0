"""The county dashboard: county, township, village and completeness pages, and their exports.

Every figure comes from `app.reports` (the roll-up engine); the views only pick, order and
show. Township roles see the county page and their own township; county roles see everything.
"""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from app.dashboard import export_routes, filters, routes  # noqa: E402,F401
