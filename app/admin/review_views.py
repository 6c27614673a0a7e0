"""/review: the inspections waiting for a township lead (a county admin sees their scope),
each with Approve and Return (with a comment) buttons. Plain forms with CSRF tokens; the same
state machine and audit as the API (app/inspection_changes.py)."""

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.access import limit_to_scope
from app.admin import bp
from app.extensions import db
from app.inspection_changes import find_inspection, live, review_inspection
from app.models import Inspection
from app.policy import allow
from app.review import COMMENT_MAX, REVIEWABLE, OwnInspection, TransitionRefused


@bp.get("/review")
@allow("inspection.review")
def review_queue():
    return _render_queue()


def _render_queue(error: str | None = None):
    statement = (
        db.select(Inspection)
        .join(Inspection.village)
        .where(live(), Inspection.status.in_(sorted(REVIEWABLE)))
        .order_by(Inspection.created_at, Inspection.id)
        .limit(200)
    )
    statement = limit_to_scope(statement)
    waiting = db.session.execute(statement).scalars().all()
    return render_template(
        "admin/review.html", waiting=waiting, error=error, comment_max=COMMENT_MAX
    )


@bp.post("/review/<int:inspection_id>/<any(approve, return):action>")
@allow("inspection.review")
def review_decide(inspection_id: int, action: str):
    inspection = find_inspection(g.actor, inspection_id)
    if inspection is None:
        abort(404)
    comment = (request.form.get("comment") or "").strip()
    if action == "return" and not comment:
        return _render_queue(_("Say what needs fixing when returning an inspection")), 422
    if len(comment) > COMMENT_MAX:
        return _render_queue(_("The comment is too long")), 422
    try:
        review_inspection(inspection, action, g.actor, comment)
    except TransitionRefused:
        return _render_queue(_("This inspection is no longer waiting for review")), 409
    except OwnInspection:
        return _render_queue(_("Nobody reviews an inspection they entered themselves")), 403
    db.session.commit()
    return redirect(url_for("admin.review_queue"), code=303)
