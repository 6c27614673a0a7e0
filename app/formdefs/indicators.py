"""Indicators as data: each is a rate whose numerator and denominator are terms over form fields.

`forms/indicators.json` defines them. A term is one of
  {"sum": ["section.field", ...]}      Σ of numeric answers (missing answers count as 0),
  {"count": true}                       1 for each village that reported the section,
  {"count_where": [conditions]}         1 for each reporting village meeting all conditions,
                                        a condition being {"field": ..., "eq"|"ne": value}.
An indicator may say what it counts (`unit`: villages, households or tonnes) and a `baseline`
(a figure reported before its targets, e.g. 95.77 % in 2020), which pages and the API show.
All fields an indicator reads are taken from the same inspection: the village's latest in the
period that holds the indicator's section. The plan's targets are seeded from here; afterwards
the `targets` table is the truth and an admin edits it. A seeded target may carry the plan's
baseline ({"value", "date"}) and deadline (a date): the path of app/rollups/target_path.py.

`unit_kinds` says which village-level units an indicator counts: rural indicators count
administrative villages only ("village"), so an urban community (社区) neither adds to their
sums nor to the units they are judged against; clean heating counts communities too.
"""

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

from app.formdefs import FormSet
from app.formdefs.target_rules import PROBLEMS, path_problem
from app.models.geography import VILLAGE_KINDS, ZONES
from app.periods import parse_period


@dataclass(frozen=True)
class Condition:
    field: str  # "section.field"
    op: str  # "eq" | "ne"
    value: object


@dataclass(frozen=True)
class Term:
    kind: str  # "sum" | "count" | "count_where"
    fields: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    # "sum" only: add just the answers stored with this basis ("estimated"); the roll-up's
    # estimated shares use it (app/rollups/estimated_shares.py), the definitions file does not.
    basis: str | None = None


@dataclass(frozen=True)
class TargetSeed:
    zone: str
    value: float
    applies_from: str  # a period code: "2021" or "2025Q1"
    source: str
    baseline_value: float | None = None
    baseline_date: date | None = None
    deadline: date | None = None


@dataclass(frozen=True)
class Baseline:
    """A reported figure before the plan's targets (95.77 % in 2020): context, not a target."""

    value: float
    period: str
    source: str


# What an indicator's rate counts: national statistics count some rates by administrative
# village (waste coverage, sewage villages), others by household or tonne.
UNITS = ("villages", "households", "tonnes")


@dataclass(frozen=True)
class Indicator:
    key: str
    section: str
    label: dict[str, str]
    numerator: Term
    denominator: Term
    targets: tuple[TargetSeed, ...]
    unit_kinds: tuple[str, ...] = ("village",)
    unit: str = ""  # one of UNITS, or "" when the definition does not say
    baseline: Baseline | None = None


@dataclass(frozen=True)
class IndicatorSet:
    indicators: tuple[Indicator, ...]

    def __iter__(self):
        return iter(self.indicators)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.indicators)

    def get(self, key: str) -> Indicator | None:
        return next((i for i in self.indicators if i.key == key), None)

    @cached_property
    def fingerprint(self) -> str:
        """A hash of what the tallies are computed from (each indicator's key, section,
        numerator, denominator and the kinds of unit it counts, in order). The roll-up summary
        stores the one it was built from and is not read under any other: a changed definition
        must never show the old definition's numbers. Labels and seeded targets are left out:
        targets are applied when a roll-up is read, never stored in the summary."""
        basis = [
            [i.key, i.section, asdict(i.numerator), asdict(i.denominator), sorted(i.unit_kinds)]
            for i in self.indicators
        ]
        text = json.dumps(basis, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def load_indicators(directory: str | Path, form_set: FormSet) -> IndicatorSet:
    """indicators.json's, then those a county published with a form (its definition's
    `indicators`, issue 22), checked against `form_set`."""
    data = json.loads((Path(directory) / "indicators.json").read_text())
    rows = list(data["indicators"])
    for form in form_set.forms:
        if '"indicators"' in form.definition:
            rows += json.loads(form.definition).get("indicators", [])
    indicators = tuple(_indicator(row, form_set) for row in rows)
    keys = [i.key for i in indicators]
    if len(set(keys)) != len(keys):
        raise ValueError("indicators.json: duplicate indicator key")
    return IndicatorSet(indicators)


def file_indicators(directory: str | Path) -> dict[str, dict]:
    """indicators.json's rows by key: a county's workbook may not change those."""
    data = json.loads((Path(directory) / "indicators.json").read_text())
    return {row["key"]: row for row in data["indicators"]}


def _indicator(row: dict, form_set: FormSet) -> Indicator:
    key = row["key"]
    if row["section"] not in form_set.by_id:
        raise ValueError(f"indicator {key}: unknown section {row['section']!r}")
    return Indicator(
        key=key,
        section=row["section"],
        label=dict(row["label"]),
        numerator=_term(row["numerator"], key, form_set),
        denominator=_term(row["denominator"], key, form_set),
        targets=tuple(_target(t, key) for t in row.get("targets", [])),
        unit_kinds=_unit_kinds(row.get("unit_kinds", ["village"]), key),
        unit=_unit(row.get("unit", ""), key),
        baseline=_baseline(row["baseline"], key) if "baseline" in row else None,
    )


def _unit_kinds(kinds: list, key: str) -> tuple[str, ...]:
    if not kinds or any(k not in VILLAGE_KINDS for k in kinds):
        raise ValueError(f"indicator {key}: unit_kinds must be some of {VILLAGE_KINDS}")
    return tuple(sorted(set(kinds)))


def _unit(unit: str, key: str) -> str:
    if unit and unit not in UNITS:
        raise ValueError(f"indicator {key}: unit {unit!r} is not one of {', '.join(UNITS)}")
    return unit


def _baseline(spec: dict, key: str) -> Baseline:
    baseline = Baseline(float(spec["value"]), str(spec["period"]), spec.get("source", ""))
    if not 0 <= baseline.value <= 1:
        raise ValueError(f"indicator {key}: baseline {baseline.value} is not a fraction 0..1")
    parse_period(baseline.period)
    return baseline


def _target(spec: dict, key: str) -> TargetSeed:
    """A seeded target: checked here, so a typo stops the app rather than the seed half-way."""
    baseline = spec.get("baseline")
    seed = TargetSeed(
        spec["zone"],
        float(spec["value"]),
        str(spec["from"]),
        spec.get("source", ""),
        float(baseline["value"]) if baseline else None,
        date.fromisoformat(baseline["date"]) if baseline else None,
        date.fromisoformat(spec["deadline"]) if spec.get("deadline") else None,
    )
    if seed.zone != "*" and seed.zone not in ZONES:
        raise ValueError(f"indicator {key}: target zone {seed.zone!r} is not * or a zone")
    if not 0 <= seed.value <= 1:
        raise ValueError(f"indicator {key}: target {seed.value} is not a fraction 0..1")
    parse_period(seed.applies_from)  # raises on anything but 2026 or 2026Q1
    if seed.baseline_value is not None and not 0 <= seed.baseline_value <= 1:
        raise ValueError(f"indicator {key}: baseline {seed.baseline_value} is not a fraction 0..1")
    # the targets page's and the workbook's rule (app/formdefs/target_rules.py)
    problem = path_problem(seed.value, seed.baseline_value, seed.baseline_date, seed.deadline)
    if problem:
        raise ValueError(f"indicator {key}: {PROBLEMS[problem]['en']}")
    return seed


def _term(spec: dict, key: str, form_set: FormSet) -> Term:
    if "sum" in spec:
        for path in spec["sum"]:
            if form_set.field_at(path).type.storage != "num":
                raise ValueError(f"indicator {key}: {path} is not numeric")
        return Term("sum", fields=tuple(spec["sum"]))
    if spec.get("count") is True:
        return Term("count")
    if "count_where" in spec:
        conditions = []
        for c in spec["count_where"]:
            ops = [op for op in ("eq", "ne") if op in c]
            if len(ops) != 1 or set(c) != {"field", ops[0]}:
                raise ValueError(f"indicator {key}: a condition is {{field, eq | ne}}: {c!r}")
            form_set.field_at(c["field"])  # raises on an unknown field
            conditions.append(Condition(c["field"], ops[0], c[ops[0]]))
        return Term("count_where", conditions=tuple(conditions))
    raise ValueError(f"indicator {key}: unknown term {spec!r}")
