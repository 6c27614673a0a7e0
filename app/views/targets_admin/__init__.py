"""/admin/targets: a county admin reads the history of targets and appends a new one.

Targets are never edited in place (app/rollups/targets.py): a change is a new row that applies from
a period on, so an old quarter keeps being judged by the target it had. A new row may apply from
the current quarter at the earliest, so a change never rewrites a judgement already made.
"""

# Importing the route modules registers their routes on `bp`.
from app.views.targets_admin import routes  # noqa: F401
from app.views.targets_admin.blueprint import bp

__all__ = ["bp"]
