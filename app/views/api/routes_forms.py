"""The forms as XLSForm workbooks (issue 22): list them, download the current version's
workbook, and upload an edited one to check it (publish=false) or publish it (county admins)."""

from flask import Response, abort, g, request
from marshmallow import ValidationError

from app.accounts.policy import allow
from app.formdefs.county_forms import versions
from app.formdefs.registry import current_forms
from app.formdefs.xlsform_check import SheetError
from app.formdefs.xlsform_workbook import XLSX_MIMETYPE
from app.i18n import current_lang
from app.views.api.blueprint import bp
from app.views.api.schemas_forms import (
    form_list_schema,
    upload_answer_schema,
    upload_schema,
    workbook_errors_schema,
)
from app.views.forms_service import NEW_FORM_ID, check, current_workbook, publish_outcome


@bp.get("/forms")
@allow("forms.read")
def list_forms():
    forms = [
        {
            "form_id": form.form_id,
            "version": form.version,
            "title": form.title,
            "versions": versions(form.form_id),
        }
        for form in current_forms().form_set.forms
    ]
    return form_list_schema.dump({"forms": forms})


@bp.get("/forms/<form_id>/xlsform")
@allow("forms.read")
def download_xlsform(form_id):
    form = current_forms().form_set.by_id.get(form_id)
    if form is None:
        abort(404)
    return Response(
        current_workbook(form_id),
        mimetype=XLSX_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{form_id}-{form.version}.xlsx"'},
    )


def _errors(found, lang: str):
    rows = [
        {
            "sheet": e.sheet,
            "row": e.row,
            "column": e.column,
            "message": e.message(lang),
            "message_zh": e.message("zh"),
            "message_en": e.message("en"),
        }
        for e in found
    ]
    return workbook_errors_schema.dump({"errors": rows}), 422


@bp.post("/forms/<form_id>/xlsform")
@allow("forms.manage")
def upload_xlsform(form_id):
    if form_id not in current_forms().form_set.by_id and not NEW_FORM_ID.match(form_id):
        abort(404)  # an unknown form_id is a county's new section, if it can be one
    lang = current_lang()
    upload = request.files.get("file")
    try:
        publish = request.form.get("publish", "false")
        wanted = upload_schema.load({"file": upload, "publish": publish})
    except ValidationError:
        wanted = None
    if upload is None or wanted is None:
        zh, en = "请以 file 字段上传 .xlsx 工作簿", "send the workbook as `file`"
        return _errors([SheetError("workbook", None, "file", zh, en)], lang)
    outcome = check(upload.read(), upload.filename or "", form_id)
    if outcome.errors:
        return _errors(outcome.errors, lang)
    if outcome.unchanged:
        return upload_answer_schema.dump({"form_id": form_id, "unchanged": True}), 200
    if not wanted["publish"]:
        return upload_answer_schema.dump({"form_id": form_id, "changes": outcome.changes}), 200
    version = publish_outcome(outcome, g.actor.username, g.actor)
    answer = {"form_id": form_id, "version": version, "changes": outcome.changes}
    return upload_answer_schema.dump(answer), 201
