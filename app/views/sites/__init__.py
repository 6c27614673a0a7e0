"""The sites' pages (issue 23): the registers per kind (a county admin adds, edits, closes and
imports), a site's page with its history, a simple inspection form, and the month's sampling
plan. The rules are app/sites/'s; these views read forms and show answers."""

# Importing the route modules registers their routes on `bp`.
from app.views.sites import (  # noqa: F401
    routes_export,
    routes_offline,
    routes_register,
    routes_visits,
)
from app.views.sites.blueprint import bp

__all__ = ["bp"]
