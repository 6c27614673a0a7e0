"""Calculated fields: XLSForm's `calculate` idea, kept declarative and small.

Inspectors count what they can see (head of livestock, 亩 sown, kg of film bought); a field such
as "manure produced" is then an estimate worked out from those counts and published coefficients
(app/formdefs/coefficients.py). The definition lives in the form file, beside the field:

    "calculate": [                       # alternatives, tried in order
      {"terms": [                        # Σ of products
        {"fields": ["pigs_turnoff"],     # answers of this form (or "profile.households")
         "coefficients": ["manure.pig.faeces_kg_d", "manure.pig.days"],
         "factor": 0.001}                # a constant (kg → t)
      ]}
    ]

No expression language and nothing eval-ed: a term is a product of field answers, named
coefficients and one constant; an alternative is a sum of terms. A term counts only when every
field it names is answered (a species nobody counted adds nothing) and none it names `unless`
(亩 × a default 单产 counts only while the yield is blank); an alternative applies when
at least one of its terms counts; the first alternative that applies gives the estimate
(film: from kg bought if known, else from the area mulched). A coefficient an applied term
names but the table lacks makes the estimate unavailable rather than silently smaller.

The same rules are implemented in static/js/calculate.js for the phone (the live estimate);
tests/fixtures/calculate_cases.json is run through both and they must agree to the last bit:
both multiply in the same order (factor, then fields, then coefficients) and add terms in
order, in IEEE doubles, with no rounding. Pure: no Flask, no database.
"""

from collections.abc import Mapping
from dataclasses import dataclass

TERM_KEYS = frozenset({"fields", "coefficients", "factor", "unless"})
ALTERNATIVE_KEYS = frozenset({"terms"})


@dataclass(frozen=True)
class CalcTerm:
    fields: tuple[str, ...]  # "key" of this form, or "profile.key"
    coefficients: tuple[str, ...]
    factor: float = 1.0
    # The term counts only while these answers are blank: 亩 × a default 单产 (a coefficient)
    # stands in for 亩 × the yield the inspector did not give, never beside it.
    unless: tuple[str, ...] = ()


@dataclass(frozen=True)
class Calculation:
    alternatives: tuple[tuple[CalcTerm, ...], ...]

    @property
    def field_refs(self) -> tuple[str, ...]:
        refs = [f for alt in self.alternatives for t in alt for f in (*t.fields, *t.unless)]
        return tuple(dict.fromkeys(refs))

    @property
    def coefficient_keys(self) -> tuple[str, ...]:
        keys = [k for alt in self.alternatives for t in alt for k in t.coefficients]
        return tuple(dict.fromkeys(keys))

    def as_json(self) -> list[dict]:
        """The definition as the phone's evaluator reads it (the form file's shape)."""
        return [
            {
                "terms": [
                    {
                        "fields": list(t.fields),
                        "coefficients": list(t.coefficients),
                        "factor": t.factor,
                        **({"unless": list(t.unless)} if t.unless else {}),
                    }
                    for t in alternative
                ]
            }
            for alternative in self.alternatives
        ]


@dataclass(frozen=True)
class Estimate:
    value: float | None  # None: a coefficient is missing
    coefficients: tuple[str, ...]  # the keys the applied terms used, in first-use order
    missing: tuple[str, ...] = ()


def parse_calculation(spec, where: str) -> Calculation:
    """Check the shape only; the loader checks that the fields exist and are numeric."""
    if isinstance(spec, dict):
        spec = [spec]
    if not isinstance(spec, list) or not spec:
        raise ValueError(f"{where}: calculate is a list of alternatives, each {{terms: [...]}}")
    alternatives = []
    for alt in spec:
        if not isinstance(alt, dict) or set(alt) != ALTERNATIVE_KEYS or not alt["terms"]:
            raise ValueError(f"{where}: an alternative is {{terms: [...]}} with at least one term")
        alternatives.append(tuple(_term(t, where) for t in alt["terms"]))
    return Calculation(tuple(alternatives))


def _term(spec, where: str) -> CalcTerm:
    if not isinstance(spec, dict) or not set(spec) <= TERM_KEYS or not spec.get("fields"):
        raise ValueError(f"{where}: a term is {{fields, coefficients?, factor?}} with fields")
    names = [*spec["fields"], *spec.get("coefficients", []), *spec.get("unless", [])]
    if not all(isinstance(n, str) and n for n in names):
        raise ValueError(f"{where}: fields and coefficients are names")
    factor = spec.get("factor", 1)
    if isinstance(factor, bool) or not isinstance(factor, int | float):
        raise ValueError(f"{where}: factor must be a number")
    return CalcTerm(
        tuple(spec["fields"]),
        tuple(spec.get("coefficients", [])),
        float(factor),
        tuple(spec.get("unless", [])),
    )


def applies(calc: Calculation, answers: Mapping[str, float | None]) -> bool:
    """Whether some alternative can give an estimate from these answers (coefficients aside)."""
    return any(_counted(alt, answers) for alt in calc.alternatives)


def evaluate(
    calc: Calculation, answers: Mapping[str, float | None], coefficients: Mapping[str, float]
) -> Estimate | None:
    """The estimate, or None when no alternative applies (nothing counted)."""
    for alternative in calc.alternatives:
        counted = _counted(alternative, answers)
        if not counted:
            continue
        used = list(dict.fromkeys(k for t in counted for k in t.coefficients))
        missing = tuple(k for k in used if coefficients.get(k) is None)
        if missing:
            return Estimate(None, tuple(used), missing)
        total = 0.0
        for term in counted:
            product = term.factor
            for name in term.fields:
                product *= float(answers[name])
            for key in term.coefficients:
                product *= float(coefficients[key])
            total += product
        return Estimate(total, tuple(used))
    return None


def _counted(alternative, answers) -> list[CalcTerm]:
    return [
        t
        for t in alternative
        if all(answers.get(f) is not None for f in t.fields)
        and all(answers.get(f) is None for f in t.unless)
    ]
