"""The server's estimates for calculated fields left blank, worked out when an inspection is
stored (and again when it is edited).

The phone shows the same estimate live (static/js/calculate.js), but the stored value is the
server's, from the coefficient editions in force on the inspection's date. A calculated field the
inspector filled in is stored as measured; one left blank and estimable is stored as estimated,
with the editions it used. An inspection that sends tonnages directly (the API before estimates
existed) is therefore stored as measured, as it always meant.

Constraints whose limit or terms were estimated (manure utilised ≤ manure produced) cannot be
checked by the schema, which sees only what was sent; they are checked here on the estimate.
"""

import math
from dataclasses import dataclass

from flask import has_request_context
from marshmallow import ValidationError

from app.formdefs import FormSet
from app.formdefs.calculations import Estimate, evaluate
from app.formdefs.coefficients import CoefficientTable, coefficients_at, json_used, pinned
from app.formdefs.constraints import answer, broken_sums

OUT_OF_RANGE = {
    "zh": "“{label}”的估算值超出范围，请检查数量或填写实测值",
    "en": "{label}: the estimate is out of range; check the counts or enter a measured figure",
}
MISSING = {
    "zh": "“{label}”无法估算：缺少系数 {keys}，请填写实测值",
    "en": "{label} cannot be estimated: coefficient {keys} is missing; enter a measured figure",
}


@dataclass(frozen=True)
class StoredEstimate:
    value: float
    coefficients: str  # JSON: the editions used (app/formdefs/coefficients.py edition_summary)
    unverified: bool


def estimate_inspection(
    data: dict, form_set: FormSet, keep_editions=()
) -> dict[tuple[str, str], StoredEstimate]:
    """(section, field) → the estimate to store, for each calculated field left blank that can
    be estimated. Reads the coefficients only when there is something to estimate; an edit
    passes the edition ids its earlier estimates recorded (`keep_editions`), used again."""
    blanks = [
        (form, field)
        for form in form_set.sections
        if form.form_id in data.get("sections", {})
        for field in form.fields
        if field.calculation and data["sections"][form.form_id].get(field.key) is None
    ]
    if not blanks:
        return {}
    table = pinned(coefficients_at(data["inspected_on"]), keep_editions)
    out, errors = {}, {}
    for form, field in blanks:
        answers = data["sections"][form.form_id]
        estimate = _estimate(field, answers, data, table)
        if estimate is None:
            continue
        if estimate.value is None:
            text = MISSING[_lang()].format(
                label=field.label[_lang()], keys=", ".join(estimate.missing)
            )
            errors.setdefault(form.form_id, {})[field.key] = [text]
            continue
        if not math.isfinite(estimate.value):  # never stored: one inf breaks every roll-up
            text = OUT_OF_RANGE[_lang()].format(label=field.label[_lang()])
            errors.setdefault(form.form_id, {})[field.key] = [text]
            continue
        value = estimate.value
        if field.decimals is not None:  # stored as the form says: tonnes to the kg
            value = round(value, field.decimals) + 0.0
        out[(form.form_id, field.key)] = StoredEstimate(
            value,
            json_used(table, estimate.coefficients),
            any(table.editions[k].unverified for k in estimate.coefficients),
        )
    if errors:
        raise ValidationError({"sections": errors})
    _check_constraints(data, form_set, out)
    return out


def phone_definitions(form_set: FormSet, day, lang: str) -> dict:
    """What static/js/calculate.js needs, in the form's data file (kept offline): each
    calculated input's definition, and the coefficient editions in force on `day`."""
    fields, keys = {}, set()
    for form in form_set.sections:
        for f in form.fields:
            if not f.calculation:
                continue
            fields[f"sections.{form.form_id}.{f.key}"] = {
                "section": form.form_id,
                "refs": list(f.calculation.field_refs),
                "calculate": f.calculation.as_json(),
                "unit": f.unit[lang] if f.unit else "",
            }
            keys.update(f.calculation.coefficient_keys)
    editions = coefficients_at(day).editions if fields else {}
    return {
        "fields": fields,
        "coefficients": {
            k: {"value": e.value, "grade": e.grade, "unverified": e.unverified}
            for k, e in sorted(editions.items())
            if k in keys
        },
    }


def _estimate(field, answers, data, table: CoefficientTable) -> Estimate | None:
    known = {ref: answer(ref, answers, data) for ref in field.calculation.field_refs}
    return evaluate(field.calculation, known, table.values)


def _check_constraints(data: dict, form_set: FormSet, estimates: dict) -> None:
    """The form's Σ ≤ limit rules, for those an estimate takes part in (the schema checked the
    others on what was sent)."""
    lang, found = _lang(), {}
    for form in form_set.sections:
        mine = {k: e.value for (s, k), e in estimates.items() if s == form.form_id}
        if not mine:
            continue
        answers = {**data["sections"][form.form_id], **mine}
        if broken := broken_sums(form, answers, data, lang, involving=set(mine)):
            found[form.form_id] = {path: [text] for path, text in broken.items()}
    if found:
        raise ValidationError({"sections": found})


def _lang() -> str:
    if has_request_context():
        from app.i18n import current_lang

        return current_lang()
    return "zh"
