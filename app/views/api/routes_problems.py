"""The rectification ledger's API: /api/v1/problems (list, record, one) and the steps on one
problem (report-fix by the township, recheck by an inspector), plus its photos (uploaded by the
phone's problem uuid, idempotent by the photo id, as inspection photos are).

Refusals: 401 without a token; 403 for a role the policy does not allow (or a photo stage not the
role's); 404 for a missing or out-of-scope problem; 409 when the problem's status forbids the
step, or a uuid is reused for other content; 422 for bad input.
"""

from flask import abort, current_app, g, request

from app.accounts.policy import allow, in_scope
from app.clock import county_today
from app.extensions import db
from app.i18n import current_lang
from app.models import ProblemPhoto
from app.photos.storage import photo_storage
from app.problems import ledger, service
from app.problems.categories import longest_deadline_days
from app.problems.photos import ProblemPhotos
from app.problems.queries import photo_document, problem_document, problems_for
from app.views.api.blueprint import bp
from app.views.api.body import json_body, query_args
from app.views.api.errors import error_response
from app.views.photo_http import photo_file_response, store_upload
from app.views.problem_schemas import (
    fix_report_schema,
    problem_input_schema,
    problem_list_schema,
    problem_photo_schema,
    problem_photo_upload_schema,
    problem_query_schema,
    problem_schema,
    recheck_schema,
)

MESSAGES = {
    "step": {
        "zh": "此问题当前状态为“{status}”，不能执行此操作",
        "en": "Not possible while the problem is {status}",
    },
    "conflict": {
        "zh": "此问题编号已用于不同的内容",
        "en": "This problem ID was already used for different content",
    },
    "deadline": {
        "zh": "整改期限须在今天至 {days} 天之内",
        "en": "The deadline must be from today to {days} days ahead",
    },
    "village": {"zh": "没有这个村庄", "en": "No such village"},
    "same_hands": {
        "zh": "报告整改的人不能复查同一问题，请由他人复查",
        "en": "Whoever reported the fix does not re-check it; someone else does",
    },
}


def _document(problem, status=200):
    db.session.commit()
    return problem_schema.dump(problem_document(problem, current_lang(), county_today())), status


def _found(problem_id: int):
    problem = service.find_problem(g.actor, problem_id)
    if problem is None:
        abort(404)
    return problem


@bp.get("/problems")
@allow("problem.read")
def list_problems():
    query = problem_query_schema.load(query_args())
    today, lang = county_today(), current_lang()
    found = problems_for(g.actor, today, **query)
    return problem_list_schema.dump({"problems": [problem_document(p, lang, today) for p in found]})


@bp.post("/problems")
@allow("problem.record")
def record_problem():
    data = problem_input_schema.load(json_body())
    lang = current_lang()
    try:
        recorded = service.record_problem(data, g.actor, county_today())
    except service.VillageUnknown:
        return {"errors": {"village_code": [MESSAGES["village"][lang]]}}, 422
    except ledger.BadDeadline:
        return {"errors": {"deadline": [_deadline_message()]}}, 422
    except service.ProblemConflict:
        return error_response(409, MESSAGES["conflict"][lang], code="conflict")
    except service.NotVisible:
        abort(404)
    return _document(recorded.problem, 201 if recorded.created else 200)


@bp.get("/problems/<int:problem_id>")
@allow("problem.read")
def get_problem(problem_id: int):
    return _document(_found(problem_id))


@bp.post("/problems/<int:problem_id>/report-fix")
@allow("problem.report_fix")
def report_fix(problem_id: int):
    problem = _found(problem_id)
    body = fix_report_schema.load(json_body())
    try:
        service.report_fix(problem, g.actor, body["note"])
    except ledger.StepRefused as error:
        return _refused(error)
    return _document(problem)


@bp.post("/problems/<int:problem_id>/recheck")
@allow("problem.recheck")
def recheck(problem_id: int):
    problem = _found(problem_id)
    body = recheck_schema.load(json_body())
    try:
        service.recheck(
            problem, g.actor, body["passed"], body["note"], body["new_deadline"], county_today()
        )
    except ledger.StepRefused as error:
        return _refused(error)
    except ledger.BadDeadline:
        return {"errors": {"new_deadline": [_deadline_message()]}}, 422
    except ledger.SameHands:
        return error_response(403, MESSAGES["same_hands"][current_lang()], code="same_hands")
    return _document(problem)


def _deadline_message() -> str:
    return MESSAGES["deadline"][current_lang()].format(days=longest_deadline_days())


def _refused(error: ledger.StepRefused):
    message = MESSAGES["step"][current_lang()].format(status=error.status)
    return error_response(409, message, code="status")


@bp.post("/problems/<uuid:problem_uuid>/photos")
@allow("problem.photo")
def upload_problem_photo(problem_uuid):
    problem = service.find_problem_by_uuid(g.actor, str(problem_uuid))
    if problem is None:
        abort(404)
    form = problem_photo_upload_schema.load(request.form.to_dict())
    owner = ProblemPhotos(
        problem, form["stage"], g.actor, current_app.config["PHOTO_MAX_PER_PROBLEM"]
    )
    stored = store_upload(owner, str(form["client_photo_id"]))  # refused: app/views/api/errors.py
    return problem_photo_schema.dump(photo_document(stored.photo)), 201 if stored.created else 200


@bp.get("/problem-photos/<int:photo_id>")
@allow("problem.read")
def problem_photo_file(photo_id: int):
    photo = db.session.get(ProblemPhoto, photo_id)
    if photo is None or not in_scope(g.actor, photo.problem.village.township):
        abort(404)
    extension = photo.storage_key.rsplit(".", 1)[-1]
    return photo_file_response(
        photo_storage().get(photo.storage_key),
        photo.content_type,
        f"problem-{photo.id}.{extension}",
    )
