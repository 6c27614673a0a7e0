"""/inspect/edit/<id>: an inspector corrects their own inspection (a returned one, typically)
in the same form, validated by the same schema as the API's PUT. The edit adds a revision; an
approved inspection is refused (409) until a county admin reopens it. The page carries the
revision it shows (`base_revision`): a correction of a version someone else has changed since is
answered 409 with the merge (app/inspections/merge.py): who changed what and when, their changes
kept in the form, and a choice only for the fields both changed. A section left blank keeps its
stored answers; one is removed only when its "remove" box is ticked (and confirmed)."""

from flask import abort, g, make_response, redirect, render_template, url_for
from flask import request as http_request
from marshmallow import ValidationError

from app.accounts.policy import allow
from app.clock import county_time, county_today
from app.extensions import db
from app.formdefs.display import number_text
from app.formdefs.registry import current_forms
from app.i18n import current_lang
from app.inspections.changes import NotYours, check_may_change, find_inspection
from app.inspections.corrections import StaleRevision, apply_correction, split_correction
from app.inspections.review import EDITABLE
from app.inspections.store import OutOfScope, VillageNotFound
from app.views.error_shape import flatten
from app.views.inspect.blueprint import bp
from app.views.inspect.corrections_view import editing_of, merge_against, merge_choices
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
                values[f"sections.{section}.{key}"] = _answer_input(value)
    return values


def _answer_input(value) -> str:
    """As the inspector typed it: 30, not 30.0 (booleans stay true/false for the radios)."""
    if isinstance(value, bool):
        return str(value).lower()
    return number_text(value) if isinstance(value, int | float) else str(value)


def _editable(inspection_id: int):
    inspection = find_inspection(g.actor, inspection_id)
    if inspection is None:
        abort(404)
    try:
        check_may_change(g.actor, inspection)
    except NotYours:
        abort(403)
    if inspection.status not in EDITABLE:
        # Not a bare 409: say it is approved, by whom, and who may reopen it.
        page = render_template(
            "inspect/locked.html", inspection=inspection, county_time=county_time
        )
        abort(make_response(page, 409))
    return inspection


@bp.get("/edit/<int:inspection_id>")
@allow("inspection.edit")
def edit_form(inspection_id: int):
    inspection = _editable(inspection_id)
    return _render_form(
        inspection.village,
        form_values(inspection.revisions[-1].payload),
        {},
        editing=editing_of(inspection),
    )


@bp.post("/edit/<int:inspection_id>")
@allow("inspection.edit")
def edit_submit(inspection_id: int):
    inspection = _editable(inspection_id)
    forms, lang = current_forms(), current_lang()
    values = http_request.form.to_dict()
    values["client_uuid"] = str(inspection.client_uuid)  # the page's inspection, whatever posted
    values["village_code"] = inspection.village.code
    removed = tuple(http_request.form.getlist("remove_sections"))
    for key in [k for k in values if k.split(".")[1:2] and k.split(".")[1] in removed]:
        del values[key]  # a section ticked for removal is removed, whatever it still holds
    schema = forms.inspection_schema(lang, county_today())
    try:
        correction = split_correction(
            {
                **payload_from_form(values, forms.form_set),
                "base_revision": _base_revision(values.get("base_revision")),
                "remove_sections": list(removed),
            },
            forms.form_set,
        )
        apply_correction(
            inspection,
            correction,
            g.actor,
            forms.form_set,
            schema,
            keep_untouched=True,
            lang=lang,
            choices=merge_choices(http_request.form),
            merged_against=merge_against(http_request.form),
        )
    except ValidationError as error:
        errors = errors_by_input(flatten(error.messages))
        return _render_form(inspection.village, values, errors, editing=editing_of(inspection)), 422
    except StaleRevision as stale:
        db.session.rollback()
        # The form shows the merge: their changes kept, mine kept, a conflict showing mine.
        merged = {**values, **form_values(stale.merge.merged)}
        for key in set(values) - set(form_values(stale.merge.merged)):
            if key.startswith("sections.") or key in ANSWER_INPUTS:
                merged.pop(key)  # an answer the merge left out (removed) is not shown
        editing = editing_of(inspection, merge=stale.merge, base=stale.base)
        return _render_form(inspection.village, merged, {}, editing=editing), 409
    except (VillageNotFound, OutOfScope):
        abort(404)
    db.session.commit()
    return redirect(url_for("inspect.saved", inspection_id=inspection.id), code=303)


ANSWER_INPUTS = frozenset({"households", "inspected_on", "notes", "lat", "lon", "accuracy_m"})


def _base_revision(text: str | None) -> int | None:
    """The page's revision (a page cached before this field existed sends none)."""
    return int(text) if text and text.isdigit() else None
