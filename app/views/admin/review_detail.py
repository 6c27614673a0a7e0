"""/review/<id>: one inspection with the evidence a reviewer needs (app/rollups/review_evidence.py)
—
every answer with its unit, its rates against the targets, the change since the village's last
inspection, GPS flags, the integrity flags with their evidence (app/views/admin/flag_views.py
clears one), photos, who entered it and when, and the problems recorded on it — with
Approve (confirmed in a second step) and Return (a comment required). /review/batch approves in
one go the checked inspections that carry no flag and no large jump (checked again here).
"""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.policy import allow
from app.clock import county_time
from app.extensions import db
from app.formdefs.display import answer_text
from app.formdefs.registry import forms_as_answered
from app.i18n import current_lang
from app.inspections.changes import (
    ChangedSinceSeen,
    find_inspection,
    review_inspection,
    revision_authors,
)
from app.inspections.document import inspection_document
from app.inspections.gps_checks import distance_check
from app.inspections.integrity.evidence import others_named, reuse_pairs
from app.inspections.photos import photos_of
from app.inspections.review import (
    COMMENT_MAX,
    REVIEWABLE,
    OwnInspection,
    TransitionRefused,
    authorship,
)
from app.inspections.revision_history import revision_history
from app.models import INTEGRITY_FLAG_KINDS
from app.problems.categories import label as category_label
from app.problems.queries import problems_of_inspection
from app.rollups.review_evidence import LARGE_JUMP_POINTS, evidence
from app.views.admin.blueprint import bp
from app.views.admin.review_views import own_reason, seen_revision
from app.views.labels import flag_label

BATCH_MAX = 100


@bp.get("/review/<int:inspection_id>")
@allow("inspection.review")
def review_one(inspection_id: int):
    inspection = find_inspection(g.actor, inspection_id)
    if inspection is None:
        abort(404)
    # shown with the labels of the versions it was answered under
    form_set = forms_as_answered(inspection.form_versions)
    return render_template(
        "admin/review_one.html",
        inspection=inspection,
        document=inspection_document(inspection, form_set),
        evidence=evidence(inspection),
        photos=photos_of(inspection),
        problems=problems_of_inspection(inspection.id),
        form_set=form_set,
        answer_text=answer_text,
        lang=current_lang(),
        county_time=county_time,
        category_label=category_label,
        jump_points=LARGE_JUMP_POINTS,
        comment_max=COMMENT_MAX,
        reviewable=inspection.status in REVIEWABLE,
        own=_own_reason(inspection),
        distance=distance_check(inspection.lat, inspection.lon, inspection.village),
        history=revision_history(inspection.revisions, form_set, current_lang()),
        integrity=integrity_flags(inspection),
        flag_label=flag_label,
    )


def _own_reason(inspection) -> str | None:
    """Why the reader may not decide on it (they entered or edited it), or None."""
    how = authorship(inspection.inspector_id, revision_authors(inspection), g.actor.id)
    return own_reason(how) if how else None


def integrity_flags(inspection) -> list[dict]:
    """Each integrity flag with what its evidence names, looked up."""
    return [
        {
            "flag": flag,
            "pairs": reuse_pairs(flag) if flag.kind == "photo_reused" else [],
            "others": others_named(flag),
        }
        for flag in inspection.flags
        if flag.kind in INTEGRITY_FLAG_KINDS
    ]


@bp.post("/review/<int:inspection_id>/reopen")
@allow("inspection.reopen")
def review_reopen(inspection_id: int):
    """A county admin unlocks an approved inspection (it is submitted again, for review)."""
    inspection = find_inspection(g.actor, inspection_id)
    if inspection is None:
        abort(404)
    try:
        review_inspection(inspection, "reopen", g.actor, request.form.get("comment", "").strip())
    except TransitionRefused:
        abort(409)
    db.session.commit()
    flash(_("Reopened: %(name)s", name=f"{inspection.village.name} {inspection.inspected_on}"))
    return redirect(url_for("admin.review_one", inspection_id=inspection.id), code=303)


@bp.post("/review/batch")
@allow("inspection.review")
def review_batch():
    """Approve each checked inspection that is still waiting, clean, and not the reviewer's own;
    the rest are named as skipped, never approved silently."""
    wanted = [int(v) for v in request.form.getlist("inspection") if v.isdigit()][:BATCH_MAX]
    approved, skipped, authored = [], [], []
    for inspection_id in wanted:
        inspection = find_inspection(g.actor, inspection_id)
        if inspection is None:
            continue
        name = f"{inspection.village.name} {inspection.inspected_on}"
        if not evidence(inspection).clean:
            skipped.append(name)
            continue
        try:
            seen = seen_revision(request.form, f"revision-{inspection_id}")
            review_inspection(inspection, "approve", g.actor, seen_revision=seen)
        except OwnInspection:
            authored.append(name)
            continue
        except (TransitionRefused, ChangedSinceSeen):
            skipped.append(name)
            continue
        approved.append(name)
    db.session.commit()
    flash(_("Approved %(count)d inspections", count=len(approved)))
    if skipped:
        flash(_("Not approved (look at each one): %(names)s", names="、".join(skipped)))
    if authored:
        flash(
            _(
                "Not approved, you entered or changed them (another reviewer decides): %(names)s",
                names="、".join(authored),
            )
        )
    return redirect(url_for("admin.review_queue"), code=303)
