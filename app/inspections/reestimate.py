"""Recomputing stored estimates: the deliberate way to apply a corrected coefficient edition to
inspections already stored, and to repair an estimate stored before the finite-number checks
(issue 25). An ordinary edit never does this: it keeps the editions its estimate recorded.

Each live inspection with an estimated answer is estimated again from its stored counts with the
editions in force on its date. A dry run lists what would change; `apply` writes the new values
(the roll-up summary follows through the ORM, app/rollups/summary/quarter.py) and audits each
inspection's before and after. An estimate that cannot be worked out now is reported, not
written.
"""

import math
from dataclasses import dataclass

from marshmallow import ValidationError

from app.accounts.audit import record
from app.extensions import db
from app.formdefs import FormSet
from app.inspections.estimates import estimate_inspection
from app.inspections.store import answers_by_section
from app.models import Answer, Inspection


@dataclass(frozen=True)
class Reestimate:
    inspection_id: int
    section: str
    field: str
    before: float | None
    after: float | None  # None: cannot be estimated now (see `problem`)
    problem: str = ""


def reestimate_all(form_set: FormSet, apply: bool, actor=None) -> list[Reestimate]:
    """Every change recomputing with the current form's calculations would make (and, with
    `apply`, has made; the caller commits)."""
    estimated = (
        db.select(Answer.inspection_id).where(Answer.basis == "estimated").distinct().subquery()
    )
    inspections = db.session.execute(
        db.select(Inspection)
        .where(Inspection.deleted_at.is_(None), Inspection.id.in_(db.select(estimated)))
        .order_by(Inspection.id)
    ).scalars()
    changes: list[Reestimate] = []
    for inspection in inspections:
        changes.extend(_reestimate(inspection, form_set, apply, actor))
    return changes


def _reestimate(inspection: Inspection, form_set: FormSet, apply: bool, actor) -> list:
    kept = [a for a in inspection.answers if a.basis != "estimated"]
    sections = answers_by_section(kept, form_set)
    profile = sections.pop(form_set.profile.form_id, {})
    data = {**profile, "inspected_on": inspection.inspected_on, "sections": sections}
    stored = {(a.section, a.field): a for a in inspection.answers if a.basis == "estimated"}
    try:
        fresh = estimate_inspection(data, form_set)
    except ValidationError as refused:
        return [
            Reestimate(inspection.id, s, f, a.value_num, None, str(refused.messages))
            for (s, f), a in stored.items()
        ]
    changes = []
    for place, row in stored.items():
        new = fresh.get(place)
        if new is None:
            changes.append(Reestimate(inspection.id, *place, row.value_num, None, "no estimate"))
            continue
        same = row.value_num is not None and math.isfinite(row.value_num)
        if same and row.value_num == new.value and row.coefficients == new.coefficients:
            continue
        changes.append(Reestimate(inspection.id, *place, row.value_num, new.value))
        if apply:
            row.value_num, row.coefficients = new.value, new.coefficients
    written = [c for c in changes if c.after is not None]
    if apply and written:
        record(
            "inspection.reestimate",
            inspection,
            actor=actor,
            changes=[
                {
                    "field": f"{c.section}.{c.field}",
                    "before": _json_number(c.before),
                    "after": c.after,
                }
                for c in written
            ],
        )
    return changes


def _audited(change: Reestimate) -> dict:
    field = f"{change.section}.{change.field}"
    return {"field": field, "before": _json_number(change.before), "after": change.after}


def _json_number(value: float | None):
    """A stored value as JSON can hold it (an infinity or NaN stored before the checks)."""
    if value is None or math.isfinite(value):
        return value
    return str(value)
