"""Pages outside the inspection form: sign-in, sign-out, the home page, and error pages."""

# Importing the route modules registers their routes on `bp`.
from app.views.web import account, errors, routes  # noqa: F401
from app.views.web.blueprint import bp

__all__ = ["bp"]
