"""County settings changed at run time by a county admin, each with its default.

`reports_scope_approved_only()` is what dashboards, maps and exports call to decide whether
their roll-ups count approved inspections only or all (non-deleted) ones; they must also say
which on the page. The default is all, so figures appear before anyone has reviewed.

A count's basis (how sheep are counted: 存栏 or 出栏) is a setting too, one per choice field of
the forms that `qualifies` a count (forms/README.md), keyed by its path (`manure.sheep_basis`),
with the form's `default` until the county chooses: a county adds or changes one in forms/ alone.
"""

from sqlalchemy import select

from app.clock import utc_now
from app.extensions import db
from app.formdefs import FieldDef, FormSet
from app.models import Setting
from app.reference import cached

DEFAULTS = {
    "reports.approved_only": False,
    # a figure from fewer than this share of its units reads 数据不足 (app/rollups/coverage.py)
    "reports.coverage_threshold": 0.8,
    # the quarterly bulletin's head (app/bulletin_head.py): the issuing office
    # ("" → the county's name), the document number with {year} and {quarter} (1–4) filled in,
    # and the date line ("" → the day it is printed, county time)
    "bulletin.issuer": "",
    "bulletin.number": "〔{year}〕{quarter}号",
    "bulletin.date_line": "",
}


def get_setting(key: str, default=None):
    """The county's value of `key`: a DEFAULTS key, or a count basis with its form's default.
    Every setting is read in one statement once per change (app/reference.py)."""
    stored = cached("settings", _all_settings)
    if key in stored:
        return stored[key]
    return DEFAULTS[key] if default is None else default


def _all_settings() -> dict:
    return dict(db.session.execute(select(Setting.key, Setting.value)).all())


def set_setting(key: str, value, actor) -> tuple[object, object]:
    """Set a setting; returns (before, after). The caller records the audit event and commits."""
    if key not in DEFAULTS:
        raise KeyError(key)
    return _store(key, get_setting(key), value, actor)


def count_basis_fields(form_set: FormSet) -> list[FieldDef]:
    """The choice fields that say how a count was made, in the forms' order."""
    return [f for form in form_set.sections for f in form.fields if f.qualifies]


def count_basis(field: FieldDef) -> str:
    return get_setting(field.path, field.default)


def set_count_basis(field: FieldDef, value: str, actor) -> tuple[object, object]:
    """Set the county's basis for `field` to one of its choices; returns (before, after)."""
    if field.qualifies is None or value not in {c.name for c in field.choices}:
        raise ValueError(f"{value!r} is not a basis of {field.path}")
    return _store(field.path, count_basis(field), value, actor)


def _store(key: str, before, value, actor) -> tuple[object, object]:
    row = db.session.get(Setting, key)
    if row is None:
        row = Setting(key=key)
        db.session.add(row)
    row.value, row.updated_by_id, row.updated_at = value, actor.id, utc_now()
    return before, value


def reports_scope_approved_only() -> bool:
    """True when the county's reports count approved inspections only."""
    return bool(get_setting("reports.approved_only"))


def with_count_basis(data: dict, form_set: FormSet) -> dict:
    """The submission with the county's count basis filled in where a count was given without
    one, so every stored count says whether it is 存栏 or 出栏 (the payload itself is kept as
    sent; only the stored answers gain the basis)."""
    sections = dict(data.get("sections") or {})
    for field in count_basis_fields(form_set):
        answers = sections.get(field.section)
        if answers and answers.get(field.qualifies) is not None and answers.get(field.key) is None:
            sections[field.section] = {**answers, field.key: count_basis(field)}
    return {**data, "sections": sections} if sections else data
