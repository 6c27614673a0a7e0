"""/inspect/delete/<id>: withdrawing an inspection on the web, for the roles the policy lets
delete (app/accounts/policy.py "inspection.delete": an inspector their own, a township lead in
their township, a county admin in their county). A page names what goes and asks why; the
inspection is soft-deleted (kept, with who and why, restorable by a county admin) and audited
by app/inspections/changes.py, as the API's DELETE is. An approved one is not withdrawn until
a county admin reopens it: the page says so."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.policy import allow
from app.clock import county_time
from app.extensions import db
from app.inspections.changes import (
    NotYours,
    check_may_change,
    delete_inspection,
    find_inspection,
)
from app.inspections.review import EDITABLE, TransitionRefused
from app.views.inspect.blueprint import bp

REASON_MAX = 500


def _page(inspection, locked: bool, error: str | None = None) -> str:
    return render_template(
        "inspect/delete.html",
        inspection=inspection,
        locked=locked,
        reason_max=REASON_MAX,
        error=error,
        county_time=county_time,
    )


def _deletable(inspection_id: int):
    inspection = find_inspection(g.actor, inspection_id)
    if inspection is None:
        abort(404)
    if g.actor.role == "inspector":
        try:
            check_may_change(g.actor, inspection)
        except NotYours:
            abort(403)
    return inspection


@bp.get("/delete/<int:inspection_id>")
@allow("inspection.delete")
def delete_page(inspection_id: int):
    inspection = _deletable(inspection_id)
    locked = inspection.status not in EDITABLE
    return _page(inspection, locked), (409 if locked else 200)


@bp.post("/delete/<int:inspection_id>")
@allow("inspection.delete")
def delete_submit(inspection_id: int):
    inspection = _deletable(inspection_id)
    reason = (request.form.get("reason") or "").strip()
    if not reason or len(reason) > REASON_MAX:
        error = _("Say why it is deleted (at most %(max)d characters)", max=REASON_MAX)
        return _page(inspection, False, error), 422
    try:
        delete_inspection(inspection, g.actor, reason)
    except TransitionRefused:
        db.session.rollback()
        return _page(inspection, True), 409
    db.session.commit()
    flash(_("Deleted: %(name)s", name=f"{inspection.village.name} {inspection.inspected_on}"))
    if g.actor.role == "inspector":
        return redirect(url_for("inspect.mine"), code=303)
    return redirect(url_for("admin.review_queue"), code=303)
