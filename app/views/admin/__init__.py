"""Pages for reviewers and county admins: the township lead's review queue (/review), the
audit log (/admin/audit, read-only) and county settings (/admin/settings)."""

# Importing the route modules registers their routes on `bp`.
from app.views.admin import (  # noqa: F401
    audit_views,
    data_quality,
    flag_views,
    review_detail,
    review_views,
    settings_views,
)
from app.views.admin.blueprint import bp

__all__ = ["bp"]
