"""/admin/settings: county settings a county admin changes (audited)."""

from flask import g, redirect, render_template, request, url_for

from app.accounts.audit import record
from app.accounts.policy import allow
from app.extensions import db
from app.settings import reports_scope_approved_only, set_setting
from app.views.admin.blueprint import bp


@bp.get("/admin/settings")
@allow("settings.manage")
def settings_page():
    return render_template("admin/settings.html", approved_only=reports_scope_approved_only())


@bp.post("/admin/settings")
@allow("settings.manage")
def settings_save():
    approved_only = request.form.get("reports_scope") == "approved"
    before, after = set_setting("reports.approved_only", approved_only, g.actor)
    if before != after:
        record("settings.change", ("settings", "reports.approved_only"), before=before, after=after)
    db.session.commit()
    return redirect(url_for("admin.settings_page"), code=303)
