"""The village map (`/map`), the township-boundaries upload and confirming village locations."""

# Importing the route modules registers their routes on `bp`.
from app.views.maps import locations, routes  # noqa: F401
from app.views.maps.blueprint import bp

__all__ = ["bp"]
