"""Demo answers for any form, read off its definition: whatever sections a county's forms/
holds, the demo fills every one.

A field gets an answer its type, bounds and choices allow, drawn from a seeded generator and a
rate (how far the village has got): a yes/no is yes at that rate, a count a share of the
village's households, an amount a figure in tonnes at 0.1. The form's Σ ≤ limit rules
(app/formdefs/constraints.py) are then kept by scaling the terms down, rounded down, until none
is broken. Answers a caller already has (app/demo/plan.py's hand-made character for the
sections it knows) are kept, and only the required fields they lack are added.

No Flask and no database.
"""

import math
import random

from app.formdefs.constraints import answer, exceeds, total
from app.formdefs.loader import FieldDef, FormDef

AMOUNT_CEILING = 1000.0  # a demo amount (t, 亩, kg) stays below this, whatever the bound
TEXT = "演示 demo"


def fill_form(
    form: FormDef,
    rng: random.Random,
    rate: float,
    profile: dict,
    given: dict | None = None,
) -> dict:
    """Answers to `form`: `given` kept, then every field (only the required ones if something
    was given) from its definition, then the form's Σ ≤ limit rules kept."""
    answers = dict(given or {})
    for field in form.fields:
        if field.key not in answers and (field.required or given is None):
            answers[field.key] = _answer(field, rng, rate, profile)
    _keep_sums(form, answers, profile)
    return answers


def _answer(field: FieldDef, rng: random.Random, rate: float, profile: dict):
    kind = field.type.name
    if kind == "boolean":
        return rng.random() < rate
    if field.choices:
        return field.default if field.default else rng.choice(field.choices).name
    if kind == "integer":
        households = profile.get("households") or 100
        return _bounded(field, round(households * rate * rng.uniform(0.3, 1.0)), whole=True)
    if kind == "decimal":
        return _bounded(field, rng.uniform(1.0, AMOUNT_CEILING) * rate, whole=False)
    return TEXT


def _bounded(field: FieldDef, value: float, whole: bool):
    low = field.min if field.min is not None else 0
    high = field.max if field.max is not None else math.inf
    value = min(max(value, low), high)
    return math.floor(value) if whole else _down(value)


def _down(value: float) -> float:
    """Down to 0.1, so scaled parts never add up to more than their whole."""
    return math.floor(value * 10) / 10


def _keep_sums(form: FormDef, answers: dict, profile: dict) -> None:
    """Scale the terms of each broken Σ ≤ limit rule down to fit. A limit that is itself a term
    of another rule (heating: coal, back to coal) may shrink, so go round until none is broken."""
    for _round in range(len(form.constraints) + 1):
        broken = False
        for c in form.constraints:
            limit = answer(c.limit, answers, profile)
            terms = [t for t in c.terms if answers.get(t) is not None]
            amount = total(answers[t] for t in terms)
            if limit is None or not exceeds(amount, limit):
                continue
            broken = True
            share = max(limit, 0) / amount
            for t in terms:
                whole = form.field(t).type.name == "integer"
                answers[t] = math.floor(answers[t] * share) if whole else _down(answers[t] * share)
        if not broken:
            return
