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
    # How inspectors count sheep and beef cattle, where the sources disagree: "stock" (存栏) or
    # "turnoff" (年出栏). The form starts with the county's choice and stores the one used.
    "manure.sheep_basis": "stock",
    "manure.beef_basis": "stock",
}
# setting (= the form's section.field that records the basis) → the count it qualifies
COUNT_BASIS_SETTINGS = {"manure.sheep_basis": "sheep", "manure.beef_basis": "beef_cattle"}


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


def with_count_basis(data: dict) -> dict:
    """The submission with the county's count basis filled in where a count was given without
    one, so every stored count says whether it is 存栏 or 出栏 (the payload itself is kept as
    sent; only the stored answers gain the basis)."""
    sections = dict(data.get("sections") or {})
    for setting, count in COUNT_BASIS_SETTINGS.items():
        section, _, field = setting.partition(".")
        answers = sections.get(section)
        if answers and answers.get(count) is not None and answers.get(field) is None:
            sections[section] = {**answers, field: get_setting(setting)}
    return {**data, "sections": sections} if sections else data
