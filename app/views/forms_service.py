"""What the forms page, the API and the CLI share about a county's workbook: check it, and
publish it (with its audit event), then let this worker pick the new version up at once.

Shared by two blueprints (app/views/forms_admin, app/views/api), so it lives beside them.
"""

import json
import re

from flask import current_app

from app.accounts.audit import record
from app.extensions import db
from app.formdefs.county_forms import Outcome, check_workbook, publish
from app.formdefs.registry import current_forms, refresh_county_forms
from app.formdefs.xlsform_read import WorkbookRefused, read_sheets
from app.formdefs.xlsform_sheets import sheets
from app.formdefs.xlsform_workbook import workbook_bytes
from app.views.target_setting import set_workbook_targets

# What a new section's form_id may be (it becomes part of every answer's path).
NEW_FORM_ID = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def workbook_form_id(data: bytes, filename: str) -> str | None:
    """The form_id the workbook's settings sheet names, if it can be read."""
    try:
        rows = read_sheets(data, filename).get("settings") or []
    except WorkbookRefused:
        return None
    header = [str(h).strip() if h else "" for h in (rows[0] if rows else [])]
    if "form_id" not in header or len(rows) < 2:
        return None
    value = rows[1][header.index("form_id")]
    return str(value).strip() if value else None


def check(data: bytes, filename: str, form_id: str) -> Outcome:
    return check_workbook(
        refresh_county_forms(), current_app.config["FORMS_DIR"], data, filename, form_id
    )


def publish_outcome(outcome: Outcome, publisher: str, actor=None) -> str:
    version = publish(outcome, publisher)
    set_workbook_targets(outcome.definition, f"{outcome.form_id} {version}", actor)
    changes = [c["en"] for c in outcome.changes]
    record(
        "form.publish",
        ("forms", outcome.form_id),
        actor=actor,
        actor_name=publisher,
        version=version,
        changes=changes,
    )
    db.session.commit()
    refresh_county_forms()
    return version


def current_workbook(form_id: str) -> bytes:
    """The current version of a form as its XLSForm workbook."""
    forms = current_forms()
    definition = json.loads(forms.form_set.by_id[form_id].definition)
    targets = {i["key"]: i["target"] for i in definition.get("indicators", []) if "target" in i}
    return workbook_bytes(sheets(definition, _indicator_rows(forms, targets)))


def _indicator_rows(forms, targets: dict) -> list[dict]:
    """The indicators as indicators.json writes them, for the workbook's reader sheet; a county
    indicator with the target its version set."""
    out = []
    for i in forms.indicators:
        row = {
            "key": i.key,
            "section": i.section,
            "label": i.label,
            "numerator": _term(i.numerator),
            "denominator": _term(i.denominator),
            "unit_kinds": list(i.unit_kinds),
        }
        if i.key in targets:
            row["target"] = targets[i.key]
        out.append(row)
    return out


def _term(term) -> dict:
    if term.kind == "sum":
        return {"sum": list(term.fields)}
    if term.kind == "count_where":
        return {"count_where": [{"field": c.field, c.op: c.value} for c in term.conditions]}
    return {"count": True}
