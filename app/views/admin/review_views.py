"""/review: the inspections waiting for a township lead (a county admin sees their scope),
each with its flags and large jumps, a link to its evidence page (app/views/admin/review_detail.py,
where Approve and Return are) and, when clean, a box for the batch approval. Plain forms with
CSRF tokens; the same state machine and audit as the API (app/inspections/changes.py)."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.policy import allow
from app.clock import county_time
from app.extensions import db
from app.inspections.changes import ChangedSinceSeen, find_inspection, review_inspection
from app.inspections.listings import waiting_for_review
from app.inspections.review import COMMENT_MAX, OwnInspection, TransitionRefused
from app.rollups.review_evidence import evidence
from app.views.admin.blueprint import bp
from app.views.labels import flag_label

# Each row reads its evidence (its previous inspection and two small village-scoped roll-ups: about
# five queries a row): the oldest 25 are shown, with how many more wait behind them.
QUEUE_MAX = 25


def seen_revision(form, key: str = "revision") -> int | None:
    """The revision number the page showed (a hidden field); None when absent or not a number."""
    value = form.get(key, "")
    return int(value) if value.isdigit() and int(value) > 0 else None


@bp.get("/review")
@allow("inspection.review")
def review_queue():
    return _render_queue()


def _render_queue(error: str | None = None):
    waiting, total = waiting_for_review(QUEUE_MAX)
    memo: dict = {}
    return render_template(
        "admin/review.html",
        waiting=[(i, evidence(i, memo)) for i in waiting],
        more=total - len(waiting),
        error=error,
        comment_max=COMMENT_MAX,
        county_time=county_time,
        flag_label=flag_label,
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
        review_inspection(inspection, action, g.actor, comment, seen_revision(request.form))
    except TransitionRefused:
        return _render_queue(_("This inspection is no longer waiting for review")), 409
    except ChangedSinceSeen:
        db.session.rollback()
        flash(_("It changed while you were looking at it: look at the new version and decide"))
        return redirect(url_for("admin.review_one", inspection_id=inspection_id), code=303)
    except OwnInspection:
        return _render_queue(_("Nobody reviews an inspection they entered themselves")), 403
    db.session.commit()
    done = {"approve": _("Approved"), "return": _("Returned to the inspector")}[action]
    flash(f"{done}: {inspection.village.name} {inspection.inspected_on}")
    return redirect(url_for("admin.review_queue"), code=303)
