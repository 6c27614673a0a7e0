"""Pages of the rectification ledger: the ledger (/problems, with CSV/XLSX export), recording a
problem (/problems/new: a plain form, and on the phone problem-form.js keeps it in the one
offline outbox, sent through /api/v1/problems), one problem with its trail and the step the viewer
may take, and the 待办 (to-do) page per role (/todo). Views are thin: the same schemas, service and
audit as the API."""

import uuid

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    url_for,
)
from flask import request as http_request
from flask_babel import gettext as _
from marshmallow import ValidationError

from app.accounts.access import may
from app.accounts.policy import allow
from app.clock import county_time, county_today
from app.exports import tables as exports
from app.extensions import db
from app.geography.listings import villages_of
from app.i18n import current_lang
from app.photos.refusals import PhotoRefused
from app.problems import ledger, service
from app.problems.categories import categories, label, longest_deadline_days
from app.problems.photos import ProblemPhotos
from app.problems.queries import problems_for
from app.problems.todo import todo_for
from app.sites.todo import due_sites
from app.views.error_shape import flatten
from app.views.photo_http import store_upload
from app.views.problem_schemas import (
    fix_report_schema,
    problem_input_schema,
    problem_query_schema,
    recheck_schema,
)
from app.views.problems.blueprint import bp

EXPORT_TYPES = exports.MEDIA_TYPES


def _found(problem_id: int):
    problem = service.find_problem(g.actor, problem_id)
    if problem is None:
        abort(404)
    return problem


@bp.get("/problems")
@allow("problem.read")
def ledger_page():
    query = _query()
    found = problems_for(g.actor, county_today(), **query)
    return render_template(
        "problems/index.html", problems=found, query=query, today=county_today(), label=label
    )


def _query() -> dict:
    raw = {
        k: v for k, v in http_request.args.items() if v and k in ("status", "overdue", "township")
    }
    try:
        return problem_query_schema.load(raw)
    except ValidationError:
        abort(400)


@bp.get("/problems/export.<any(csv, xlsx):fmt>")
@allow("problem.read")
def export_ledger(fmt: str):
    today, lang = county_today(), current_lang()
    # Every problem in scope: the export was silently cut at 1,000 rows.
    found = problems_for(g.actor, today, **dict(_query(), limit=None))
    header = [
        _("Number"),
        _("Township"),
        _("Village"),
        _("Category"),
        _("Description"),
        _("Responsible"),
        _("Deadline to fix"),
        _("Status"),
        _("Overdue"),
        _("Recorded by"),
        _("Recorded at"),
        _("Closed at"),
    ]
    # Made while the request's session is open: a county's ledger is thousands of rows at most.
    rows = [
        [
            p.id,
            p.village.township.name,
            p.village.name,
            label(p.category, lang),
            p.description,
            _(p.responsible),
            p.deadline.isoformat(),
            _(p.status),
            _("Yes") if ledger.is_overdue(p.status, p.deadline, today) else _("No"),
            p.created_by.display_name or p.created_by.username,
            county_time(p.created_at),
            county_time(p.closed_at),
        ]
        for p in found
    ]
    chunks = (
        exports.iter_csv(header, rows)
        if fmt == "csv"
        else exports.iter_xlsx(header, rows, _("Rectification ledger"))
    )
    headers = {
        "Content-Disposition": f'attachment; filename="problems-{today.isoformat()}.{fmt}"',
        "Cache-Control": "no-store",
    }
    return Response(chunks, content_type=EXPORT_TYPES[fmt], headers=headers)


@bp.get("/problems/new")
@allow("problem.record")
def new_problem():
    return _render_new({}, {})


def _render_new(values: dict, errors: dict):
    return render_template(
        "problems/new.html",
        villages=villages_of(),  # those in the actor's scope
        categories=categories().values(),
        values=values,
        errors=errors,
        chosen=values.get("village_code") or http_request.args.get("village", ""),
        inspection=values.get("inspection_id") or http_request.args.get("inspection", ""),
        client_uuid=values.get("client_uuid") or str(uuid.uuid4()),
        lang=current_lang(),
    ), (422 if errors else 200)


@bp.post("/problems/new")
@allow("problem.record")
def record_problem():
    """The page without its script (or a phone that was online): the same schema as the API."""
    values = {k: v for k, v in http_request.form.items() if k != "csrf_token" and v != ""}
    try:
        data = problem_input_schema.load(values)
        recorded = service.record_problem(data, g.actor, county_today())
    except ValidationError as error:
        return _render_new(values, flatten(error.messages))
    except service.VillageUnknown:
        return _render_new(values, {"village_code": [_("No such village")]})
    except ledger.BadDeadline:
        message = _(
            "The deadline must be from today to %(days)s days ahead", days=longest_deadline_days()
        )
        return _render_new(values, {"deadline": [message]})
    except service.ProblemConflict:
        abort(409)
    except service.NotVisible:
        abort(404)
    db.session.commit()
    _photo(recorded.problem, "found")
    return redirect(url_for("problems_web.problem_page", problem_id=recorded.problem.id), 303)


@bp.get("/problems/<int:problem_id>")
@allow("problem.read")
def problem_page(problem_id: int):
    problem = _found(problem_id)
    today = county_today()
    return render_template(
        "problems/one.html",
        problem=problem,
        overdue=ledger.is_overdue(problem.status, problem.deadline, today),
        label=label,
        lang=current_lang(),
        county_time=county_time,
        may_fix=may("problem.report_fix") and problem.status == ledger.OPEN,
        may_recheck=may("problem.recheck") and problem.status == ledger.FIX_REPORTED,
        today=today,
    )


@bp.post("/problems/<int:problem_id>/report-fix")
@allow("problem.report_fix")
def report_fix(problem_id: int):
    problem = _found(problem_id)
    try:
        body = fix_report_schema.load({"note": http_request.form.get("note", "").strip()})
        service.report_fix(problem, g.actor, body["note"])
    except ValidationError:
        flash(_("Say what was done to fix it"))
        return redirect(url_for("problems_web.problem_page", problem_id=problem.id), 303)
    except ledger.StepRefused:
        abort(409)
    db.session.commit()
    _photo(problem, "fix")
    flash(_("Fix reported"))
    return redirect(url_for("problems_web.problem_page", problem_id=problem.id), 303)


@bp.post("/problems/<int:problem_id>/recheck")
@allow("problem.recheck")
def recheck(problem_id: int):
    problem = _found(problem_id)
    form = http_request.form
    raw = {"passed": form.get("result") == "passed", "note": form.get("note", "").strip()}
    if form.get("new_deadline"):
        raw["new_deadline"] = form["new_deadline"]
    try:
        body = recheck_schema.load(raw)
        service.recheck(
            problem, g.actor, body["passed"], body["note"], body["new_deadline"], county_today()
        )
    except (ValidationError, ledger.BadDeadline):
        flash(_("A failed re-check needs a note and a new deadline from today on"))
        return redirect(url_for("problems_web.problem_page", problem_id=problem.id), 303)
    except ledger.SameHands:
        flash(_("Whoever reported the fix does not re-check it; someone else does"))
        return redirect(url_for("problems_web.problem_page", problem_id=problem.id), 303)
    except ledger.StepRefused:
        abort(409)
    db.session.commit()
    _photo(problem, "recheck")
    flash(_("Closed (销号)") if problem.status == ledger.CLOSED else _("Open again"))
    return redirect(url_for("problems_web.problem_page", problem_id=problem.id), 303)


def _photo(problem, stage: str) -> None:
    """The form's optional photo; a bad one is said, the step already taken stays."""
    upload = http_request.files.get("photo")
    if upload is None or not upload.filename:
        return
    try:
        store_upload(
            ProblemPhotos(problem, stage, g.actor, current_app.config["PHOTO_MAX_PER_PROBLEM"]),
            str(uuid.uuid4()),
        )
    except PhotoRefused as refused:
        reason = refused.refusal.message(current_lang())
        flash(_("The photo was not kept: %(reason)s", reason=reason))


@bp.get("/todo")
@allow("todo.read")
def todo():
    sites_due = due_sites(g.actor, county_today())  # the month's sampling draws (issue 23)
    db.session.commit()  # a draw made for this page is kept
    return render_template(
        "problems/todo.html",
        todo=todo_for(g.actor, county_today()),
        sites_due=sites_due,
        label=label,
        lang=current_lang(),
        county_time=county_time,
    )
