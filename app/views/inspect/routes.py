"""Choose a village, fill in the form, see it saved."""

import uuid

from flask import abort, current_app, g, redirect, render_template, request, url_for
from marshmallow import ValidationError

from app.accounts.access import village_or_abort
from app.accounts.policy import allow, permitted
from app.clock import county_today
from app.formdefs.display import answer_text
from app.formdefs.entered_under import KEY, forms_entered_under, schema_for, versions_of
from app.formdefs.registry import current_forms, forms_as_answered
from app.i18n import current_lang
from app.inspections.changes import find_inspection
from app.inspections.document import inspection_document
from app.inspections.gps_checks import distance_check
from app.inspections.orientation import returned_to, village_list
from app.inspections.photo_thumbs import photos_by_inspection
from app.inspections.store import OutOfScope, SubmissionConflict, VillageNotFound, store_inspection
from app.models import Inspection
from app.problems.ledger import FIX_REPORTED
from app.problems.queries import problems_for
from app.sites.kinds import site_kinds
from app.sites.phone import sites_by_village
from app.views.error_shape import flatten
from app.views.inspect.blueprint import bp
from app.views.inspect.formdata import errors_by_input, payload_from_form


@bp.get("/")
@allow("inspection.create")
def choose_village():
    """The inspector's home: the day's tasks (villages not inspected this quarter, what was
    returned, the re-checks due, recording a problem), the phone's queue, the village list."""
    # What a lead sent back to this inspector, with the comment saying what to fix.
    returned = returned_to(g.actor.id)
    listing = village_list()
    due = sum(1 for state in listing["states"].values() if state == "not_inspected")
    rechecks = 0
    if permitted(g.actor, "problem.recheck"):
        rechecks = len(problems_for(g.actor, county_today(), status=FIX_REPORTED, limit=None))
    # Each village's sites and what is due this month (issue 23): two statements for them all.
    sites = {}
    if permitted(g.actor, "site_inspection.create"):
        sites = sites_by_village([v.id for v in listing["villages"]], county_today())
    return render_template(
        "inspect/choose.html",
        returned=returned,
        due=due,
        rechecks=rechecks,
        sites=sites,
        site_labels={key: kind.label[current_lang()] for key, kind in site_kinds().items()},
        **listing,
    )


@bp.get("/<village_code>")
@allow("inspection.create")
def new_inspection(village_code: str):
    village = village_or_abort(village_code, hide=True)
    values = {
        "client_uuid": str(uuid.uuid4()),
        "inspected_on": county_today().isoformat(),
        "households": "" if village.households is None else str(village.households),
    }
    # The page carries only what is this village's own: the form's body comes with the form's
    # data file, kept a year (app/views/inspect/form_assets.py), and takes these figures.
    # Without JavaScript (form.html's <noscript>), ?plain=1: the page with its body written in.
    own = (
        None
        if request.args.get("plain")
        else {
            "values": {k: values[k] for k in ("inspected_on", "households")},
            "location": None if village.lat is None else [village.lat, village.lon],
        }
    )
    return _render_form(village, values, {}, own=own)


@bp.post("/<village_code>")
@allow("inspection.create")
def submit_inspection(village_code: str):
    village = village_or_abort(village_code, hide=True)
    values = request.form.to_dict()
    values["village_code"] = village.code  # the page's village, whatever the post says
    lang = current_lang()
    try:
        # the versions the page was built from (a page cached before a publish: those)
        form_set = forms_entered_under(versions_of(values.get(KEY), lang), lang)
        schema = schema_for(form_set, lang, county_today())
        data = schema.load(payload_from_form(values, form_set))
        stored = store_inspection(data, g.actor, form_set)
    except ValidationError as error:
        return _render_form(village, values, errors_by_input(flatten(error.messages))), 422
    except (VillageNotFound, OutOfScope):
        abort(404)
    except SubmissionConflict as conflict:
        return _render_form(village, values, {}, conflict=conflict.inspection), 409
    return redirect(url_for("inspect.saved", inspection_id=stored.inspection_id), code=303)


@bp.get("/saved/<int:inspection_id>")
@allow("inspection.create")
def saved(inspection_id: int):
    inspection = find_inspection(g.actor, inspection_id)
    if inspection is None:
        abort(404)
    form_set = forms_as_answered(inspection.form_versions)  # with the labels it was made under
    document = inspection_document(inspection, form_set)
    return render_template(
        "inspect/saved.html",
        inspection=document,
        form_set=form_set,
        answer_text=answer_text,
        **village_list(),  # where to go next
        photos=photos_by_inspection([inspection.id]).get(inspection.id, []),
        distance=distance_check(inspection.lat, inspection.lon, inspection.village),
    )


def _render_form(
    village, values, errors, conflict: Inspection | None = None, editing=None, own=None
):
    """`editing`: app/views/inspect/corrections_view.py's editing_of, for the correction form;
    `own`: a new inspection's own figures, for the form's body in the data file to take."""
    return render_template(
        "inspect/form.html",
        village=village,
        values=values,
        errors=errors,
        form_set=current_forms().form_set,
        conflict=conflict,
        editing=editing,
        own=own,
        gps_limit_km=float(current_app.config["GPS_FLAG_DISTANCE_M"]) / 1000,
        today=county_today().isoformat(),
    )
