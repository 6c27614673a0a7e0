"""Changing an inspection through the API: edit (PUT), history, review, soft delete, restore.

Refusals: 401 without a token; 403 for a role the policy does not allow, or an inspector
touching a colleague's inspection; 404 for a missing, deleted or out-of-township inspection;
409 when its status forbids the step (an approved inspection is not edited), or when a PUT's
`base_revision` is stale (app/inspections/corrections.py); 422 for bad input.
"""

from flask import abort, g

from app.accounts.policy import allow
from app.clock import county_today
from app.extensions import db
from app.formdefs.registry import current_forms
from app.i18n import current_lang
from app.inspections.changes import (
    ChangedSinceSeen,
    NotYours,
    check_may_change,
    delete_inspection,
    find_inspection,
    restore_inspection,
    review_inspection,
)
from app.inspections.corrections import MESSAGES as CORRECTION_MESSAGES
from app.inspections.corrections import StaleRevision, apply_correction, split_correction
from app.inspections.document import inspection_document
from app.inspections.review import OwnInspection, TransitionRefused
from app.inspections.store import OutOfScope, VillageNotFound
from app.views.api.blueprint import bp
from app.views.api.body import json_body, optional_json_body
from app.views.api.schemas import (
    delete_schema,
    inspection_schema,
    return_schema,
    review_schema,
    revisions_schema,
)
from app.views.error_shape import error_response

STATUS_REFUSED = {
    "zh": "此检查当前状态为“{status}”，不能执行此操作",
    "en": "Not possible while the inspection is {status}",
}
STALE_MESSAGE = CORRECTION_MESSAGES["stale"]
OWN_INSPECTION = {
    "entered": {
        "zh": "不能审核自己录入的检查",
        "en": "Nobody reviews an inspection they entered themselves",
    },
    "edited": {
        "zh": "您修改过此检查的数据，是其作者之一，不能审核：请由其他审核人决定",
        "en": "You changed this inspection's figures, so you are one of its authors: "
        "another reviewer decides on it",
    },
}
CHANGED_SINCE_SEEN = {
    "zh": "您查看的是第 {seen} 版，此检查已改为第 {current} 版，请查看后再决定",
    "en": "You looked at revision {seen}; the inspection is now at revision {current}. "
    "Look again before deciding",
}
UUID_MISMATCH = {"zh": "提交编号不能修改", "en": "The submission ID cannot change"}


def _found(inspection_id: int, include_deleted=False):
    inspection = find_inspection(g.actor, inspection_id, include_deleted=include_deleted)
    if inspection is None:
        abort(404)
    return inspection


def _check_changer(inspection, lead_may=False):
    """403 before reading the body: a colleague's inspection is not theirs to change."""
    if lead_may and g.actor.role == "township_lead":
        return
    try:
        check_may_change(g.actor, inspection)
    except NotYours:
        abort(403)


def _document(inspection, status=200):
    db.session.commit()
    document = inspection_document(inspection, current_forms().form_set)
    return inspection_schema.dump(document), status


# The statuses in words (the pages' catalogue says the same), so a Chinese message never reads
# “approved”.
STATUS_WORDS = {
    "submitted": {"zh": "已提交", "en": "submitted"},
    "returned": {"zh": "已退回", "en": "returned"},
    "resubmitted": {"zh": "已重新提交", "en": "resubmitted"},
    "approved": {"zh": "已通过", "en": "approved"},
    "deleted": {"zh": "已删除", "en": "deleted"},
}


def _refused(error: TransitionRefused):
    lang = current_lang()
    status = STATUS_WORDS.get(error.status, {}).get(lang, error.status)
    return error_response(409, STATUS_REFUSED[lang].format(status=status), code="status")


@bp.put("/inspections/<int:inspection_id>")
@allow("inspection.edit")
def edit(inspection_id: int):
    inspection = _found(inspection_id)
    _check_changer(inspection)
    forms, lang = current_forms(), current_lang()
    body = json_body()
    if isinstance(body, dict):  # a correction is checked against the current versions
        body.pop("form_versions", None)
    correction = split_correction(body, forms.form_set)
    schema = forms.inspection_schema(lang, county_today())
    try:
        apply_correction(
            inspection, correction, g.actor, forms.form_set, schema, keep_untouched=False, lang=lang
        )
    except NotYours:
        abort(403)
    except TransitionRefused as error:
        return _refused(error)
    except StaleRevision as stale:
        return _stale(stale)
    except ValueError:
        return {"errors": {"client_uuid": [UUID_MISMATCH[current_lang()]]}}, 422
    except VillageNotFound:
        abort(404)
    except OutOfScope:
        abort(403)
    return _document(inspection)


def _stale(stale: StaleRevision):
    """409 showing both versions: the stored one (as GET answers it) and the caller's."""
    document = inspection_document(stale.inspection, current_forms().form_set)
    return {
        "error": {"code": "stale_revision", "message": STALE_MESSAGE[current_lang()]},
        "base_revision": stale.base,
        "stored": inspection_schema.dump(document),
        "yours": stale.yours,
        # The three-way merge (app/inspections/merge.py): `merged` keeps their changes and
        # yours; PUT it with `base_revision` = stored.revision once `conflicts` are decided.
        "merge": {
            "merged": stale.merge.merged,
            "theirs_kept": list(stale.merge.theirs_kept),
            "yours_kept": list(stale.merge.mine_kept),
            "conflicts": list(stale.merge.conflicts),
        },
    }, 409


@bp.get("/inspections/<int:inspection_id>/revisions")
@allow("inspection.read")
def revisions(inspection_id: int):
    inspection = _found(inspection_id, include_deleted=g.actor.role == "county_admin")
    return {"revisions": revisions_schema.dump(inspection.revisions)}


@bp.post("/inspections/<int:inspection_id>/approve")
@allow("inspection.review")
def approve(inspection_id: int):
    return _review(inspection_id, "approve", lambda: review_schema.load(optional_json_body()))


@bp.post("/inspections/<int:inspection_id>/return")
@allow("inspection.review")
def return_(inspection_id: int):
    return _review(inspection_id, "return", lambda: return_schema.load(json_body()))


@bp.post("/inspections/<int:inspection_id>/reopen")
@allow("inspection.reopen")
def reopen(inspection_id: int):
    return _review(inspection_id, "reopen", lambda: review_schema.load(optional_json_body()))


def _review(inspection_id: int, action: str, read_body):
    inspection = _found(inspection_id)  # 404 before the body: existence does not leak
    body = read_body()
    try:
        review_inspection(
            inspection, action, g.actor, body.get("comment", ""), body.get("revision")
        )
    except TransitionRefused as error:
        return _refused(error)
    except ChangedSinceSeen as changed:
        return _changed_since_seen(changed)
    except OwnInspection as own:
        return error_response(403, OWN_INSPECTION[own.how][current_lang()], code="own_inspection")
    return _document(inspection)


def _changed_since_seen(changed: ChangedSinceSeen):
    """409 showing both versions: the one the reviewer saw and the current one."""
    inspection, seen = changed.inspection, changed.seen
    current = len(inspection.revisions)
    message = CHANGED_SINCE_SEEN[current_lang()].format(seen=seen, current=current)
    seen_payload = inspection.revisions[seen - 1].payload if seen <= current else None
    document = inspection_document(inspection, current_forms().form_set)
    return {
        "error": {"code": "changed_since_seen", "message": message},
        "seen_revision": seen,
        "seen": seen_payload,
        "stored": inspection_schema.dump(document),
    }, 409


@bp.delete("/inspections/<int:inspection_id>")
@allow("inspection.delete")
def delete(inspection_id: int):
    inspection = _found(inspection_id)
    _check_changer(inspection, lead_may=True)
    body = delete_schema.load(json_body())
    try:
        delete_inspection(inspection, g.actor, body["reason"])
    except NotYours:
        abort(403)
    except TransitionRefused as error:
        return _refused(error)
    return _document(inspection)


@bp.post("/inspections/<int:inspection_id>/restore")
@allow("inspection.restore")
def restore(inspection_id: int):
    inspection = _found(inspection_id, include_deleted=True)
    try:
        restore_inspection(inspection, g.actor)
    except TransitionRefused as error:
        return _refused(error)
    return _document(inspection)
