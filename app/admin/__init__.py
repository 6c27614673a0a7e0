"""Pages for reviewers and county admins: the township lead's review queue (/review), the
audit log (/admin/audit, read-only) and county settings (/admin/settings)."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from app.views.admin import audit_views, review_detail, review_views, settings_views  # noqa: E402,F401
