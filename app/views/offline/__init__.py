"""What makes the inspection form work offline, and what comes back from the field.

The service worker and the manifest are served from the site root so the worker's scope covers
the form, its assets and the village list (static/sw.js, and the manifest built in routes.py;
the queue itself is static/js/offline-queue.js). The stored photos are served here with access
checks; GPS flags are listed for the people who review them; and a phone's rescue file (its
unsent inspections saved as JSON) is imported through the same idempotent store as the API, by
a county admin's upload here or `flask --app wsgi import-rescue FILE` (app/cli.py); the import
itself is app/inspections/rescue.py.
"""

# Importing the route modules registers their routes on `bp`.
from app.views.offline import routes  # noqa: F401
from app.views.offline.blueprint import bp

__all__ = ["bp"]
