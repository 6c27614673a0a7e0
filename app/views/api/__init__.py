"""The JSON API, /api/v1. One error shape for the whole API:
validation → 422 {"errors": {"field.path": ["message"]}}; anything else →
{"error": {"code": ..., "message": ...}}, in the caller's language (Accept-Language).

Bearer tokens need no CSRF token. A browser session may call the API too (the offline queue on
the phone does); then writes need the CSRF header like any form post.
"""

# Importing the route modules registers their routes on `bp`.
from app.views.api import (  # noqa: F401
    errors,
    openapi,
    routes_auth,
    routes_changes,
    routes_coefficients,
    routes_forms,
    routes_geography,
    routes_inspections,
    routes_photos,
    routes_problems,
    routes_ranking,
    routes_rollup,
    routes_sampling,
    routes_sites,
)
from app.views.api.blueprint import bp

__all__ = ["bp"]
