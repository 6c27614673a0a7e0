"""A county's own form versions: checked from an uploaded workbook, published to the database.

The shipped forms/*.json are the defaults a county starts from. Once a county publishes a
version of a form from a workbook (the web page /admin/forms, the API or `flask import-form`),
that version lives in `published_forms` (origin "county") and wins over the file from then on,
in every worker: each request compares the county versions' count and newest time with what
the worker loaded (app/formdefs/registry.py). A published version is never changed; the next
upload publishes the next version, and an inspection keeps the version it was answered under.

`check_workbook` does every check before anything is written; `publish` writes one row.
"""

import json
import re
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.clock import utc_now
from app.extensions import db
from app.formdefs.indicators import file_indicators, load_indicators
from app.formdefs.loader import form_from_data, form_set_of
from app.formdefs.publication import ensure_published
from app.formdefs.xlsform_changes import changes, indicator_changes, refusals
from app.formdefs.xlsform_check import SheetError
from app.formdefs.xlsform_import import definition_from_sheets
from app.formdefs.xlsform_indicators import indicators_from_rows
from app.formdefs.xlsform_read import WorkbookRefused, read_sheets
from app.formdefs.xlsform_sheets import sheets
from app.models import Answer, PublishedForm
from app.models.reference_marker import bump

COUNTY = "county"


@dataclass
class Outcome:
    """What an upload would do: `errors` (nothing may be published), or `unchanged`, or the
    `changes` in words and the `definition` to publish."""

    form_id: str
    errors: list[SheetError] = field(default_factory=list)
    unchanged: bool = False
    changes: list[dict] = field(default_factory=list)
    definition: dict | None = None
    # the forms it was checked against: their versions are recorded before the new one, so a
    # phone still holding one of them can send under it (app/formdefs/entered_under.py)
    checked_against: object = field(default=None, compare=False, repr=False)

    @property
    def publishable(self) -> bool:
        return not self.errors and not self.unchanged and self.definition is not None


def generation(session) -> tuple:
    """(how many county versions, the newest one's time): changes whenever one is published."""
    query = select(func.count(), func.max(PublishedForm.published_at))
    return tuple(session.execute(query.where(PublishedForm.origin == COUNTY)).one())


def latest_county_definitions(session) -> dict[str, dict]:
    """{form_id: definition} of each form's newest county version."""
    rows = session.execute(
        select(PublishedForm.form_id, PublishedForm.definition)
        .where(PublishedForm.origin == COUNTY)
        .order_by(PublishedForm.published_at, PublishedForm.version)
    )
    return {form_id: json.loads(text) for form_id, text in rows}


def versions(form_id: str) -> list[PublishedForm]:
    """Every published version of a form, newest first."""
    query = select(PublishedForm).where(PublishedForm.form_id == form_id)
    return list(db.session.scalars(query.order_by(PublishedForm.published_at.desc())))


def definition_of(form_id: str, version: str) -> dict | None:
    row = db.session.get(PublishedForm, (form_id, version))
    return json.loads(row.definition) if row else None


def next_version(version: str, taken: set[str]) -> str:
    """2026.2 → 2026.3 (the last number up by one), skipping any version already taken."""
    match = re.match(r"^(.*?)(\d+)$", version)
    head, number = (match.group(1), int(match.group(2))) if match else (f"{version}.", 0)
    candidate = f"{head}{number + 1}"
    while candidate in taken:
        number += 1
        candidate = f"{head}{number + 1}"
    return candidate


def _answered(form_id: str) -> set[str]:
    query = select(Answer.field).where(Answer.section == form_id).distinct()
    return set(db.session.scalars(query))


def _indicator_fields(indicators, form_id: str) -> set[str]:
    found = set()
    for indicator in indicators:
        for term in (indicator.numerator, indicator.denominator):
            paths = [*term.fields, *(c.field for c in term.conditions)]
            found |= {p.partition(".")[2] for p in paths if p.startswith(f"{form_id}.")}
    return found


def _as_errors(exc: Exception) -> list[SheetError]:
    text = str(exc)
    return [SheetError("survey", None, None, f"表单检查未通过：{text}", text)]


def check_workbook(forms, forms_dir: str, data: bytes, filename: str, form_id: str) -> Outcome:
    """Everything an upload of `data` as form `form_id` would do, with nothing written.
    `forms`: the loaded Forms (app/formdefs/registry.py)."""
    outcome = Outcome(form_id, checked_against=forms.form_set)
    current = forms.form_set.by_id.get(form_id)  # None: a new section
    try:
        found = read_sheets(data, filename)
    except WorkbookRefused as refused:
        outcome.errors = refused.errors
        return outcome
    profile = json.loads(forms.form_set.profile.definition)["survey"]
    definition, outcome.errors = definition_from_sheets(
        found, form_id, {row["name"]: row for row in profile}
    )
    if outcome.errors:
        return outcome
    outcome.errors = _county_indicators(found, definition, forms_dir)
    if outcome.errors:
        return outcome
    if current is None:
        return _new_section(forms, forms_dir, outcome, definition)
    if definition["settings"]["version"] != current.version:
        shown = definition["settings"]["version"]
        outcome.errors = [
            SheetError(
                "settings",
                2,
                "version",
                f"工作簿基于版本 {shown}，当前版本为 {current.version}：请下载当前版本再修改",
                f"made from version {shown}, the current one is {current.version}: "
                "download the current version and edit that",
            )
        ]
        return outcome
    old = json.loads(current.definition)
    if sheets(old) == sheets(definition) and old.get("indicators") == definition.get("indicators"):
        outcome.unchanged = True
        return outcome
    refused = refusals(
        old, definition, _answered(form_id), _indicator_fields(forms.indicators, form_id)
    )
    if refused:
        outcome.errors = [SheetError("survey", None, "name", r["zh"], r["en"]) for r in refused]
        return outcome
    definition["settings"]["version"] = next_version(
        current.version, {v.version for v in versions(form_id)}
    )
    try:
        new_form = form_from_data(definition, f"{form_id} workbook", form_id)
        others = [f for f in forms.form_set.forms if f.form_id != form_id]
        load_indicators(forms_dir, form_set_of([*others, new_form]))
    except (ValueError, KeyError, TypeError) as exc:
        outcome.errors = _as_errors(exc)
        return outcome
    outcome.changes = changes(old, definition) + indicator_changes(old, definition)
    outcome.definition = definition
    return outcome


def _county_indicators(found: dict, definition: dict, forms_dir: str) -> list[SheetError]:
    """The `cunjian_indicators` sheet: indicators.json's rows come back as they went (they are
    the file's, listed for the reader); any other row is the county's own indicator over this
    form, kept in the definition."""
    form_id = definition["settings"]["form_id"]
    rows, errors = indicators_from_rows(found.get("cunjian_indicators", []), form_id)
    fixed = file_indicators(forms_dir)
    for number, indicator in rows:
        if indicator["key"] in fixed and "target" in indicator:
            errors.append(
                SheetError(
                    "cunjian_indicators",
                    number,
                    "target_percent",
                    "此指标由 indicators.json 定义，其目标在“目标”页面（/admin/targets）设置",
                    "this indicator is indicators.json's: set its target on /admin/targets",
                )
            )
        elif indicator["key"] in fixed and _shape(indicator) != _shape(fixed[indicator["key"]]):
            errors.append(
                SheetError(
                    "cunjian_indicators",
                    number,
                    "key",
                    "此指标由 indicators.json 定义，不能在工作簿中修改（可新增指标）",
                    "this indicator is indicators.json's: it cannot change here (add a new one)",
                )
            )
    own = [indicator for _number, indicator in rows if indicator["key"] not in fixed]
    if own:
        definition["indicators"] = own
    return errors


def _shape(indicator: dict) -> tuple:
    """What the sheet says of an indicator (its targets and notes are not in the sheet)."""
    return (
        indicator["section"],
        indicator["label"],
        indicator["numerator"],
        indicator["denominator"],
        sorted(indicator.get("unit_kinds", ["village"])),
    )


def _new_section(forms, forms_dir: str, outcome: Outcome, definition: dict) -> Outcome:
    """A form that is not yet in the set: a county's new section (version as the workbook
    says, or the next free one)."""
    form_id = outcome.form_id
    version = definition["settings"]["version"] or "1"
    taken = {v.version for v in versions(form_id)}
    definition["settings"]["version"] = (
        next_version(version, taken) if version in taken else version
    )
    try:
        new_form = form_from_data(definition, f"{form_id} workbook", form_id)
        load_indicators(forms_dir, form_set_of([*forms.form_set.forms, new_form]))
    except (ValueError, KeyError, TypeError) as exc:
        outcome.errors = _as_errors(exc)
        return outcome
    title = definition["settings"]["form_title"]
    outcome.changes = [
        {"zh": f"新增表单 {form_id}“{title['zh']}”", "en": f"new form {form_id} ({title['en']})"}
    ] + indicator_changes(None, definition)
    outcome.definition = definition
    return outcome


def publish(outcome: Outcome, publisher: str) -> str:
    """Record the checked definition as the form's new version (in the caller's transaction)
    and return the version."""
    if not outcome.publishable:
        raise ValueError("nothing to publish")
    form = form_from_data(outcome.definition, f"{outcome.form_id} workbook", outcome.form_id)
    bump(db.session)  # every worker's cached generation (registry.py) is now out of date
    if outcome.checked_against is not None:
        ensure_published(outcome.checked_against)
    db.session.add(
        PublishedForm(
            form_id=form.form_id,
            version=form.version,
            sha256=form.sha256,
            definition=form.definition,
            published_at=utc_now(),
            origin=COUNTY,
            published_by=publisher[:64],
        )
    )
    db.session.flush()
    return form.version
