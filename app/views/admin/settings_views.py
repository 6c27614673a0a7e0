"""/admin/settings: county settings a county admin changes (audited)."""

from flask import g, redirect, render_template, request, url_for

from app.accounts.audit import record
from app.accounts.policy import allow
from app.bulletin_head import KEYS as HEAD_KEYS
from app.bulletin_head import clean
from app.extensions import db
from app.settings import get_setting, reports_scope_approved_only, set_setting
from app.views.admin.blueprint import bp


@bp.get("/admin/settings")
@allow("settings.manage")
def settings_page():
    return render_template(
        "admin/settings.html",
        approved_only=reports_scope_approved_only(),
        coverage_percent=round(get_setting("reports.coverage_threshold") * 100),
        head={key.split(".")[1]: get_setting(key) for key in HEAD_KEYS},
    )


@bp.post("/admin/settings")
@allow("settings.manage")
def settings_save():
    approved_only = request.form.get("reports_scope") == "approved"
    before, after = set_setting("reports.approved_only", approved_only, g.actor)
    if before != after:
        record("settings.change", ("settings", "reports.approved_only"), before=before, after=after)
    _save_threshold(request.form.get("coverage_threshold", ""))
    for key in HEAD_KEYS:
        _save_text(key, request.form.get(key.split(".")[1]))
    db.session.commit()
    return redirect(url_for("admin.settings_page"), code=303)


def _save_threshold(text: str) -> None:
    """The coverage threshold, given in whole percent (0–100); absent or not a number: kept."""
    if not text.strip().isdigit() or not 0 <= int(text) <= 100:
        return
    before, after = set_setting("reports.coverage_threshold", int(text) / 100, g.actor)
    if before != after:
        key = ("settings", "reports.coverage_threshold")
        record("settings.change", key, before=before, after=after)


def _save_text(key: str, text: str | None) -> None:
    """A bulletin head setting; absent from the form: kept (an empty field is a choice)."""
    if text is None:
        return
    before, after = set_setting(key, clean(text), g.actor)
    if before != after:
        record("settings.change", ("settings", key), before=before, after=after)
