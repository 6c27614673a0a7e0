"""County settings changed at run time by a county admin, each with its default.

`reports_scope_approved_only()` is what dashboards, maps and exports call to decide whether
their roll-ups count approved inspections only or all (non-deleted) ones; they must also say
which on the page. The default is all, so figures appear before anyone has reviewed.
"""

from app.clock import utc_now
from app.extensions import db
from app.models import Setting

DEFAULTS = {
    "reports.approved_only": False,
    # a figure from fewer than this share of its units reads 数据不足 (app/rollups/coverage.py)
    "reports.coverage_threshold": 0.8,
}


def get_setting(key: str):
    row = db.session.get(Setting, key)
    return DEFAULTS[key] if row is None else row.value


def set_setting(key: str, value, actor) -> tuple[object, object]:
    """Set a setting; returns (before, after). The caller records the audit event and commits."""
    if key not in DEFAULTS:
        raise KeyError(key)
    before = get_setting(key)
    row = db.session.get(Setting, key)
    if row is None:
        row = Setting(key=key)
        db.session.add(row)
    row.value, row.updated_by_id, row.updated_at = value, actor.id, utc_now()
    return before, value


def reports_scope_approved_only() -> bool:
    """True when the county's reports count approved inspections only."""
    return bool(get_setting("reports.approved_only"))
