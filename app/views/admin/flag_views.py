"""Clearing a flag: the lead has looked at the evidence on /review/<id> and the inspection
stands. Only with a reason (kept on the flag and in the audit log); by a township lead of the
inspection's township or a county admin of its county (anyone else: 403 by role, 404 out of
scope). A cleared flag stays listed, marked cleared, and no longer holds the inspection out of
batch approval."""

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from app.accounts.policy import allow
from app.extensions import db
from app.inspections.changes import find_inspection
from app.inspections.integrity.flags import ClearRefused, clear_flag, flag_of
from app.views.admin.blueprint import bp
from app.views.labels import flag_label


@bp.post("/review/<int:inspection_id>/flags/<kind>/clear")
@allow("flags.clear")
def clear_one_flag(inspection_id: int, kind: str):
    inspection = find_inspection(g.actor, inspection_id)
    if inspection is None:
        abort(404)
    flag = flag_of(inspection.id, kind)
    if flag is None:
        abort(404)
    try:
        clear_flag(flag, g.actor, request.form.get("reason", ""))
    except ClearRefused:
        db.session.rollback()
        flash(_("Say why the flag is cleared (at most 500 characters); it was not cleared"))
        return redirect(url_for("admin.review_one", inspection_id=inspection_id), code=303)
    db.session.commit()
    flash(_("Cleared: %(kind)s", kind=flag_label(kind)))
    return redirect(url_for("admin.review_one", inspection_id=inspection_id), code=303)
