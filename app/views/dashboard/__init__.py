"""The dashboard: province, county, township, village and completeness pages, and their
exports.

Every figure comes from `app.rollups.reports` (the roll-up engine); the views only pick, order and
show. Township roles see their county's page and their own township; a county admin or viewer
with a county sees that county; without one, everything (app/accounts/policy.py,
app/accounts/access.py).
"""

# Importing the route modules registers their routes on `bp`.
from app.views.dashboard import (  # noqa: F401
    bulletin_routes,
    export_estimates,
    export_routes,
    filters,
    ranking_routes,
    routes,
    trend_routes,
)
from app.views.dashboard.blueprint import bp

__all__ = ["bp"]
