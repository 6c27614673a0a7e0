"""The forms page: the list, the download of any published version, the upload with its check
and preview, and the publication of what was previewed."""

import json

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from app.accounts.policy import allow
from app.formdefs.county_forms import definition_of, versions
from app.formdefs.loader import form_from_data
from app.formdefs.registry import current_forms
from app.formdefs.xlsform_sheets import sheets
from app.formdefs.xlsform_workbook import XLSX_MIMETYPE, workbook_bytes
from app.i18n import current_lang
from app.views.forms_admin.blueprint import bp
from app.views.forms_service import (
    NEW_FORM_ID,
    check,
    current_workbook,
    publish_outcome,
    workbook_form_id,
)


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="forms.publish")


@bp.get("/admin/forms")
@allow("forms.manage")
def list_forms():
    forms = current_forms().form_set.forms
    return render_template(
        "forms/index.html",
        forms=forms,
        versions={f.form_id: versions(f.form_id) for f in forms},
        lang=current_lang(),
    )


@bp.get("/admin/forms/<form_id>/<version>.xlsx")
@allow("forms.manage")
def download(form_id, version):
    form = current_forms().form_set.by_id.get(form_id)
    if form is None:
        abort(404)
    if version == form.version:
        data = current_workbook(form_id)
    else:
        definition = definition_of(form_id, version)
        if definition is None:
            abort(404)
        data = workbook_bytes(sheets(definition))
    disposition = f'attachment; filename="{form_id}-{version}.xlsx"'
    return Response(data, mimetype=XLSX_MIMETYPE, headers={"Content-Disposition": disposition})


@bp.post("/admin/forms/<form_id>/upload")
@allow("forms.manage")
def upload(form_id):
    if form_id not in current_forms().form_set.by_id:
        abort(404)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        flash(_("Choose an .xlsx workbook to upload"))
        return redirect(url_for("forms_admin.list_forms"), code=303)
    outcome = check(sent.read(), sent.filename, form_id)
    return _preview(form_id, outcome)


@bp.post("/admin/forms/new")
@allow("forms.manage")
def upload_new():
    """A workbook of a new section: its form_id is the one its settings sheet names."""
    sent = request.files.get("file")
    data = sent.read() if sent is not None and sent.filename else b""
    form_id = workbook_form_id(data, sent.filename) if data else None
    if not form_id or not NEW_FORM_ID.match(form_id):
        flash(_("Choose an .xlsx workbook to upload"))
        return redirect(url_for("forms_admin.list_forms"), code=303)
    return _preview(form_id, check(data, sent.filename, form_id))


def _preview(form_id: str, outcome):
    lang = current_lang()
    current = current_forms().form_set.by_id.get(form_id)  # None: a new section
    context = {"form_id": form_id, "current": current, "outcome": outcome, "lang": lang}
    if outcome.publishable:
        based_on = json.loads(json.dumps(outcome.definition))
        if current is not None:
            based_on["settings"]["version"] = current.version
        context["token"] = _signer().dumps(based_on)
        context["preview"] = form_from_data(outcome.definition, "preview", form_id)
        known = {f.key for f in current.fields} if current else set()
        context["new_fields"] = {row["name"] for row in outcome.definition["survey"]} - known
    status = 422 if outcome.errors else 200
    return render_template("forms/preview.html", **context), status


@bp.post("/admin/forms/<form_id>/publish")
@allow("forms.manage")
def publish(form_id):
    if form_id not in current_forms().form_set.by_id and not NEW_FORM_ID.match(form_id):
        abort(404)
    try:
        definition = _signer().loads(request.form.get("token", ""))
    except BadSignature:
        abort(400)
    # Checked again from the very workbook previewed: another admin may have published since.
    outcome = check(workbook_bytes(sheets(definition)), f"{form_id}.xlsx", form_id)
    if not outcome.publishable:
        return _preview(form_id, outcome)
    version = publish_outcome(outcome, g.actor.username, g.actor)
    flash(_("Published %(form)s version %(version)s", form=form_id, version=version))
    return redirect(url_for("forms_admin.list_forms"), code=303)
