"""POST /api/v1/inspections (idempotent by client_uuid) and reading inspections back."""

from flask import abort, g

from app.accounts.access import village_or_abort
from app.accounts.policy import allow, permitted
from app.clock import county_today
from app.formdefs.entered_under import KEY, forms_entered_under, schema_for, versions_of
from app.formdefs.registry import current_forms
from app.i18n import current_lang
from app.inspections.changes import find_inspection
from app.inspections.document import inspection_document, stored_document
from app.inspections.listings import village_inspections
from app.inspections.store import OutOfScope, SubmissionConflict, VillageNotFound, store_inspection
from app.views.api.blueprint import bp
from app.views.api.body import json_body, query_args
from app.views.api.schemas import inspection_query_schema, inspection_schema, inspections_schema
from app.views.error_shape import error_response


@bp.post("/inspections")
@allow("inspection.create")
def create_inspection():
    body, lang = json_body(), current_lang()
    # An outbox entry answered before the county published a new version: its own versions
    versions = versions_of(body.pop(KEY, None), lang) if isinstance(body, dict) else None
    form_set = forms_entered_under(versions, lang)
    data = schema_for(form_set, lang, county_today()).load(body)
    try:
        stored = store_inspection(data, g.actor, form_set)
    except VillageNotFound:
        abort(404)
    except OutOfScope:
        abort(403)
    except SubmissionConflict:
        return error_response(409)
    document = stored_document(stored, form_set)
    return inspection_schema.dump(document), 201 if stored.created else 200


@bp.get("/inspections")
@allow("inspection.read")
def list_inspections():
    query = inspection_query_schema.load(query_args())
    village = village_or_abort(query["village"])
    inspections = village_inspections(village.id, query.get("period"))
    form_set = current_forms().form_set
    flags = permitted(g.actor, "flags.read")
    documents = [inspection_document(i, form_set, with_flags=flags) for i in inspections]
    return {"inspections": inspections_schema.dump(documents)}


@bp.get("/inspections/<int:inspection_id>")
@allow("inspection.read")
def get_inspection(inspection_id: int):
    # Out of scope answers 404 like a missing row: whether it exists is not theirs to know.
    # A county admin also reads deleted ones (to restore them); nobody else does.
    inspection = find_inspection(
        g.actor, inspection_id, include_deleted=g.actor.role == "county_admin"
    )
    if inspection is None:
        abort(404)
    document = inspection_document(
        inspection, current_forms().form_set, with_flags=permitted(g.actor, "flags.read")
    )
    return inspection_schema.dump(document)
