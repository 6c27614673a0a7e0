"""/review: the inspections waiting for a township lead (a county admin sees their scope),
each with its flags and large jumps, a link to its evidence page (app/views/admin/review_detail.py,
where Approve and Return are) and, when clean, a box for the batch approval. Plain forms with
CSRF tokens; the same state machine and audit as the API (app/inspections/changes.py)."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from app.accounts.policy import allow
from app.clock import county_time
from app.extensions import db
from app.geography.listings import townships_in_scope, villages_in_scope
from app.inspections.changes import (
    ChangedSinceSeen,
    find_inspection,
    review_inspection,
    revision_authors,
)
from app.inspections.review import (
    COMMENT_MAX,
    REVIEWABLE,
    OwnInspection,
    TransitionRefused,
    authorship,
)
from app.inspections.review_queue import PAGE_SIZE, QueueFilter, review_page
from app.rollups.review_evidence import queue_evidence
from app.views.admin.blueprint import bp
from app.views.labels import flag_label

# A page's evidence (each row's previous inspection and the village's figures) is three
# statements whatever its rows (app/rollups/review_evidence.queue_evidence); the page stays
# short for the reader, and the filters, search and paging reach the rest.
QUEUE_PAGE_SIZE = PAGE_SIZE


def seen_revision(form, key: str = "revision") -> int | None:
    """The revision number the page showed (a hidden field); None when absent or not a number."""
    value = form.get(key, "")
    return int(value) if value.isdigit() and int(value) > 0 else None


class QueueQuerySchema(Schema):
    """The queue's filters as the page's GET form sends them (codes, not ids)."""

    class Meta:
        unknown = EXCLUDE  # the language switch and the like ride along

    township = fields.String(validate=validate.Length(max=16))
    status = fields.String(validate=validate.OneOf(sorted(REVIEWABLE)))
    village = fields.String(validate=validate.Length(max=16))
    since = fields.Date()
    until = fields.Date()
    q = fields.String(validate=validate.Length(max=64))
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100_000))


queue_query_schema = QueueQuerySchema()


def own_reason(how: str) -> str:
    """Why an author may not decide (the page says it next to the refused decision)."""
    if how == "edited":
        return _(
            "You changed this inspection's figures, so you are one of its authors: "
            "another reviewer decides on it"
        )
    return _("Nobody reviews an inspection they entered themselves")


@bp.get("/review")
@allow("inspection.review")
def review_queue():
    return _render_queue()


def _queue_query() -> dict:
    raw = {k: v.strip() for k, v in request.args.items() if v.strip()}
    try:
        return queue_query_schema.load(raw)
    except ValidationError:
        abort(400)


def _render_queue(error: str | None = None):
    query = _queue_query() if request.method == "GET" else {"page": 1}
    townships = townships_in_scope()
    township = _one(townships, query.get("township"))
    villages = villages_in_scope(township)
    village = _one(villages, query.get("village"))
    wanted = QueueFilter(
        township_id=township.id if township else None,
        status=query.get("status"),
        village_id=village.id if village else None,
        since=query.get("since"),
        until=query.get("until"),
        search=query.get("q"),
    )
    found = review_page(wanted, query["page"], QUEUE_PAGE_SIZE)
    return render_template(
        "admin/review.html",
        waiting=list(zip(found.rows, queue_evidence(found.rows), strict=True)),
        found=found,
        query={k: v for k, v in request.args.items() if k != "page" and v.strip()},
        townships=townships,
        villages=villages,
        statuses=sorted(REVIEWABLE, reverse=True),
        error=error,
        comment_max=COMMENT_MAX,
        county_time=county_time,
        author_how=lambda i: authorship(i.inspector_id, revision_authors(i), g.actor.id),
        flag_label=flag_label,
    )


def _one(units, code: str | None):
    """The unit of `units` with `code`; 404 for a code outside the list (not the actor's)."""
    if code is None:
        return None
    for unit in units:
        if unit.code == code:
            return unit
    abort(404)


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
    except OwnInspection as own:
        return _render_queue(own_reason(own.how)), 403
    db.session.commit()
    done = {"approve": _("Approved"), "return": _("Returned to the inspector")}[action]
    flash(f"{done}: {inspection.village.name} {inspection.inspected_on}")
    return redirect(url_for("admin.review_queue"), code=303)
