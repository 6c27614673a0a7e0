"""A form's rules between answers, in one place: Σ terms ≤ limit, and a required calculated
field left blank only when it can be estimated.

The schema (build.py) checks them on what was sent, the server's estimates
(app/inspections/estimates.py) on what it estimated, and the phone (static/js/form-rules.js)
on what is typed, from the numbers rules.py ships here (`SUM_RULE`). All three must give the
same answer on the boundary, so the arithmetic is fixed:

- the terms are added left to right in IEEE doubles, as JavaScript's reduce does (not `sum`,
  which compensates its rounding from Python 3.12 on);
- a sum exceeds its limit only beyond a tolerance relative to the limit. An absolute 1e-9 is
  about one unit in the last place at a few million (2⁻³⁰ ≈ 9.3e-10 from 4 194 304 on), so six
  straw routes that add up exactly, in decimal, to 5 959 727.861 t were refused for a sum two
  units (1.9e-9) over;
- the limit a message shows is the nearest figure at 3 decimals (kg, for tonnes) that itself
  passes: 105.469999… shows as 105.47, but 12.3456 as 12.345, never 12.346 (refused), and
  999 999.5 as 999999.5, not Python's `:g` 1e+06 (rounded up, and unreadable).

No Flask and no database: plain answers in, messages out.
"""

from collections.abc import Iterable, Iterator

from app.formdefs.calculations import applies
from app.formdefs.loader import PROFILE, FormDef, FormSet, SumConstraint
from app.formdefs.messages import message
from app.formdefs.xpath import holds

RELATIVE_TOLERANCE = 1e-12
SHOWN_DECIMALS = 3
# What the phone needs to do the same arithmetic (the rules document carries it).
SUM_RULE = {"relative_tolerance": RELATIVE_TOLERANCE, "shown_decimals": SHOWN_DECIMALS}


def answer(ref: str, answers: dict, profile: dict):
    """The answer `ref` names: `key` of this section, or `profile.key` (top level of the
    submission, where the profile's fields sit)."""
    section, _, key = ref.rpartition(".")
    return profile.get(key) if section == PROFILE else answers.get(key)


def total(values: Iterable[float]) -> float:
    """Σ left to right, as the phone adds (`sum` compensates on Python ≥ 3.12)."""
    result = 0
    for value in values:
        result += value
    return result


def exceeds(amount: float, limit: float) -> bool:
    return amount > limit + RELATIVE_TOLERANCE * max(1.0, abs(limit))


def shown_limit(limit) -> str:
    """The limit as a message shows it: a whole number as is; otherwise the nearest figure at
    3 decimals, one step down if that figure would itself be refused."""
    if isinstance(limit, int):
        return str(limit)
    step = 1 / 10**SHOWN_DECIMALS  # as the phone computes it
    shown = round(limit, SHOWN_DECIMALS)
    if exceeds(shown, limit):
        shown -= step
    text = f"{shown + 0.0:.{SHOWN_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def broken_sums(
    form: FormDef, answers: dict, profile: dict, lang: str, involving: set[str] | None = None
) -> dict[str, str]:
    """{field: message} for each Σ ≤ limit rule of `form` the answers break (a rule with no
    limit or no term answered is not checked). `involving`: only the rules naming one of
    these fields (those an estimate takes part in)."""
    found = {}
    for c in form.constraints:
        if involving is not None and not ({*c.terms, c.limit} & involving):
            continue
        if (text := _broken_sum(c, answers, profile, lang)) is not None:
            found[c.path] = text
    return found


def _broken_sum(c: SumConstraint, answers: dict, profile: dict, lang: str) -> str | None:
    limit = answer(c.limit, answers, profile)
    terms = [answers[t] for t in c.terms if answers.get(t) is not None]
    if limit is None or not terms or not exceeds(total(terms), limit):
        return None
    text = c.message[lang].format(limit=shown_limit(limit))
    # A sum of counts says what the typed counts add up to (the inspector looks for the slip).
    # Only whole-number terms: a decimal sum would need the phone to round as Python does.
    if len(c.terms) > 1 and all(isinstance(t, int) for t in terms):
        text += message("sum_typed", lang, sum=total(terms))
    return text


def unestimable(form: FormDef, answers: dict, profile: dict, lang: str, sent: set[str]):
    """(field, message) for each required calculated field left blank that cannot be estimated
    (no alternative has a term whose fields are all answered): required like any other. A value
    sent but refused (in `sent`) has its own error."""
    for f in form.fields:
        if not (f.calculation and f.required) or answers.get(f.key) is not None or f.key in sent:
            continue
        known = {ref: answer(ref, answers, profile) for ref in f.calculation.field_refs}
        if not applies(f.calculation, known):
            yield f.key, message("required_or_counts", lang, label=f.label[lang])


def cross_field_errors(form_set: FormSet, sections: dict, data: dict, sent, lang: str) -> dict:
    """{section: {field: [message]}} of a loaded submission (`data`, its `sections`): a required
    calculated field that cannot be estimated, and each broken Σ ≤ limit rule. `sent(section)`
    gives the keys of a section that were sent with a value."""
    found: dict = {}
    for form in form_set.sections:
        answers = sections.get(form.form_id)
        if answers is None:
            continue
        errors = dict(unestimable(form, answers, data, lang, sent(form.form_id)))
        errors.update(broken_sums(form, answers, data, lang))
        errors.update(broken_checks(form, answers, data, lang))
        if errors:
            found[form.form_id] = {key: [text] for key, text in errors.items()}
    return found


def broken_checks(form: FormDef, answers: dict, profile: dict, lang: str) -> dict[str, str]:
    """{field: message} for each answered field whose own constraint (an XPath-subset tree,
    app/formdefs/xpath.py) is worked out to false. The phone walks the same tree."""
    return {
        f.key: f.constraint_message[lang]
        for f in form.fields
        if f.check
        and answers.get(f.key) is not None
        and not holds(f.check, answers[f.key], answers, profile, {})
    }


def estimable_fields(form_set: FormSet) -> Iterator[tuple[FormDef, object]]:
    """(form, field) of each required calculated field: blank is allowed when estimable."""
    for form in form_set.sections:
        for f in form.fields:
            if f.calculation and f.required:
                yield form, f
