"""The mobile inspection form, /inspect.

It works as a plain HTML form with no JavaScript: every section is on one page and the server
validates the post with the same schema as the JSON API, showing each error beside its field
with the values kept. JavaScript (static/js/inspect.js) only improves it: one section a screen.
A hidden client_uuid made when the form is first shown makes a double tap or a re-post store
the inspection once.
"""

# Importing the route modules registers their routes on `bp`.
from app.views.inspect import (  # noqa: F401
    corrections_view,
    delete_routes,
    edit_routes,
    form_assets,
    offline_views,
    orientation,
    routes,
    rules_view,
)
from app.views.inspect.blueprint import bp

__all__ = ["bp"]
