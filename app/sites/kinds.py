"""The site kinds, read from forms/sites/: `<kind>.json` says the register's columns, the
inspection form (forms/sites/forms/<kind>.json, in the village forms' XLSForm shape and read by
the same loader), answers required only when another has a value, the sampling rule, which
answers open a problem, and the indicators. A new kind of site is a new pair of files.

Read once per process and checked on first use: a broken file stops with its name.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.formdefs.loader import FormDef, load_form

DIRECTORY = Path(__file__).resolve().parents[2] / "forms" / "sites"
COLUMN_TYPES = ("text", "integer", "decimal", "boolean", "select")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    label: dict[str, str]
    required: bool
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    choice_labels: tuple[tuple[str, dict[str, str]], ...] = ()
    unit: dict[str, str] | None = None

    def choice_label(self, name, lang: str) -> str:
        return dict(self.choice_labels).get(name, {}).get(lang, name)


@dataclass(frozen=True)
class SamplingRule:
    every: str  # "month" (a quarter rule would say "quarter")
    share: float  # at least ⌈share × open sites⌉ per township and period
    due_day: int  # the day of the month a drawn site is due by
    # the answer that says the visit sampled the site (None: any visit counts)
    sampled_when: str | None = None


@dataclass(frozen=True)
class Failure:
    field: str
    equals: object
    category: str  # a code of forms/ledger/problem_categories.json


@dataclass(frozen=True)
class SiteKind:
    key: str
    label: dict[str, str]
    code_prefix: str
    register: tuple[Column, ...]
    form: FormDef
    required_when: tuple[tuple[str, str, object], ...]  # (field, when, equals)
    sampling: SamplingRule | None
    failures: tuple[Failure, ...]
    indicators: tuple[str, ...]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.register if c.name == name), None)


def _kind(path: Path) -> SiteKind:
    data = json.loads(path.read_text(encoding="utf-8"))
    where = path.name
    if data.get("kind") != path.stem:
        raise ValueError(f"{where}: kind must equal the file name")
    columns = []
    for c in data["register"]:
        if c["type"] not in COLUMN_TYPES:
            raise ValueError(f"{where} column {c['name']!r}: unknown type {c['type']!r}")
        columns.append(
            Column(
                c["name"],
                c["type"],
                dict(c["label"]),
                bool(c.get("required", False)),
                tuple(choice["name"] for choice in c.get("choices", ())),
                c.get("min"),
                c.get("max"),
                tuple((choice["name"], dict(choice["label"])) for choice in c.get("choices", ())),
                c.get("unit"),
            )
        )
    form = load_form(DIRECTORY / "forms" / f"{data['form']}.json")
    keys = {f.key for f in form.fields}
    required_when = tuple((r["field"], r["when"], r["equals"]) for r in data["required_when"])
    failures = tuple(Failure(f["field"], f["equals"], f["category"]) for f in data["failures"])
    for name in [r[0] for r in required_when] + [r[1] for r in required_when]:
        if name not in keys:
            raise ValueError(f"{where}: required_when names {name!r}, not a field of its form")
    for failure in failures:
        if failure.field not in keys:
            raise ValueError(f"{where}: failures name {failure.field!r}, not a form field")
    rule = data.get("sampling")
    sampling = None
    if rule:
        if rule["every"] != "month" or not 0 < rule["share"] <= 1:
            raise ValueError(f"{where}: sampling needs every=month and 0 < share <= 1")
        sampling = SamplingRule(
            rule["every"], float(rule["share"]), int(rule["due_day"]), rule.get("sampled_when")
        )
        if sampling.sampled_when is not None and sampling.sampled_when not in keys:
            raise ValueError(f"{where}: sampled_when names no field of its form")
    return SiteKind(
        path.stem,
        dict(data["label"]),
        data["code_prefix"],
        tuple(columns),
        form,
        required_when,
        sampling,
        failures,
        tuple(data["indicators"]),
    )


@cache
def site_kinds() -> dict[str, SiteKind]:
    """Every kind, by key, in file-name order."""
    return {
        p.stem: _kind(p)
        for p in sorted(DIRECTORY.glob("*.json"))
        if p.stem not in ("thresholds", "indicators")
    }


def kind_or_none(key: str | None) -> SiteKind | None:
    return site_kinds().get(key or "")


@cache
def site_indicators() -> dict[str, dict]:
    """forms/sites/indicators.json: each indicator's labels, kind, target and source."""
    return json.loads((DIRECTORY / "indicators.json").read_text(encoding="utf-8"))["indicators"]


@cache
def thresholds() -> dict:
    return json.loads((DIRECTORY / "thresholds.json").read_text(encoding="utf-8"))
