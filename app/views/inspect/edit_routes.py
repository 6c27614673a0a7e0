"""/inspect/edit/<id>: an inspector corrects their own inspection (a returned one, typically)
in the same form, validated by the same schema as the API's PUT. The edit adds a revision; an
approved inspection is refused (409) until a county admin reopens it."""

from flask import abort, g, redirect, url_for
from flask import request as http_request
from marshmallow import ValidationError

from app.accounts.policy import allow
from app.clock import county_today
from app.extensions import db
from app.formdefs.registry import current_forms
from app.i18n import current_lang
from app.inspections.changes import NotYours, check_may_change, edit_inspection, find_inspection
from app.inspections.review import EDITABLE
from app.inspections.store import OutOfScope, VillageNotFound
from app.views.api.errors import flatten
from app.views.inspect import bp
from app.views.inspect.formdata import errors_by_input, payload_from_form
from app.views.inspect.routes import _render_form


def form_values(payload: dict) -> dict[str, str]:
    """A stored revision's payload → the flat form inputs (`sections.straw.produced_t`)."""
    values = {
        k: str(payload[k])
        for k in ("client_uuid", "inspected_on", "notes", "households")
        if payload.get(k) is not None
    }
    for key, value in (payload.get("location") or {}).items():
        if value is not None:
            values[key] = str(value)
    for section, answers in (payload.get("sections") or {}).items():
        for key, value in answers.items():
            if value is not None:
                values[f"sections.{section}.{key}"] = str(value)
    return values


def _editable(inspection_id: int):
    inspection = find_inspection(g.actor, inspection_id)
    if inspection is None:
        abort(404)
    try:
        check_may_change(g.actor, inspection)
    except NotYours:
        abort(403)
    if inspection.status not in EDITABLE:
        abort(409)
    return inspection


@bp.get("/edit/<int:inspection_id>")
@allow("inspection.edit")
def edit_form(inspection_id: int):
    inspection = _editable(inspection_id)
    return _render_form(inspection.village, form_values(inspection.revisions[-1].payload), {})


@bp.post("/edit/<int:inspection_id>")
@allow("inspection.edit")
def edit_submit(inspection_id: int):
    inspection = _editable(inspection_id)
    forms = current_forms()
    values = http_request.form.to_dict()
    values["client_uuid"] = str(inspection.client_uuid)  # the page's inspection, whatever posted
    values["village_code"] = inspection.village.code
    schema = forms.inspection_schema(current_lang(), county_today())
    try:
        data = schema.load(payload_from_form(values, forms.form_set))
        edit_inspection(inspection, data, g.actor, forms.form_set)
    except ValidationError as error:
        return _render_form(
            inspection.village, values, errors_by_input(flatten(error.messages))
        ), 422
    except (VillageNotFound, OutOfScope):
        abort(404)
    db.session.commit()
    return redirect(url_for("inspect.saved", inspection_id=inspection.id), code=303)
