"""/admin/targets: a county admin reads the history of targets and appends a new one.

Targets are never edited in place (app/rollups/targets.py): a change is a new row that applies from
a
period on, so an old quarter keeps being judged by the target it had. A new row may apply from
the current quarter at the earliest, so a change never rewrites a judgement already made.
"""

from flask import Blueprint

bp = Blueprint("targets_admin", __name__)

from app.views.targets_admin import routes  # noqa: E402,F401
