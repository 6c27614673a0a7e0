"""Read the form definitions in `forms/` and check them before anything uses them.

A broken definition stops the app at start with a message naming the file and the field, rather
than surfacing later as a wrong number.
"""

import dataclasses
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

from app.formdefs.calculations import Calculation, parse_calculation
from app.formdefs.types import FieldType, parse_type
from app.formdefs.xpath import XPathError, divisors, parse, references

LANGS = ("zh", "en")
PROFILE = "profile"


@dataclass(frozen=True)
class Choice:
    name: str
    label: dict[str, str]


@dataclass(frozen=True)
class FieldDef:
    section: str
    key: str
    type: FieldType
    label: dict[str, str]
    hint: dict[str, str] | None
    unit: dict[str, str] | None
    required: bool
    min: float | None
    max: float | None
    choices: tuple[Choice, ...]
    # An estimate from other answers and coefficients (app/formdefs/calculations.py), or None.
    calculation: Calculation | None = None
    # A choice saying how the count `qualifies` was made (存栏 or 出栏): when the inspector
    # leaves it blank, the county's setting (app/settings.py) applies, `default` until changed.
    qualifies: str | None = None
    default: str | None = None
    # A constraint of its own in the XPath subset (app/formdefs/xpath.py): its text, its parsed
    # tree and its message, or None. Bounds and Σ ≤ limit rules have their own keys.
    constraint: str | None = None
    check: tuple | None = dataclasses.field(default=None, compare=False, repr=False)
    constraint_message: dict[str, str] | None = None
    # The decimals an estimate of this field is stored at (3 for tonnes: to the kg), so a
    # product of coefficients is never stored as 0.7649999999999999.
    decimals: int | None = None

    @property
    def path(self) -> str:
        return f"{self.section}.{self.key}"


@dataclass(frozen=True)
class SumConstraint:
    """Σ of `terms` in this section ≤ `limit` (a field here, or `section.field` elsewhere)."""

    name: str
    terms: tuple[str, ...]
    limit: str
    path: str  # the field the error is reported on
    message: dict[str, str]


@dataclass(frozen=True)
class FormDef:
    form_id: str
    version: str
    sha256: str
    position: int
    title: dict[str, str]
    fields: tuple[FieldDef, ...]
    constraints: tuple[SumConstraint, ...]
    # Canonical JSON of the file (sorted keys, no spacing): what `sha256` hashes, so that
    # re-indenting a file is not a change but any edit to its content is.
    definition: str = dataclasses.field(default="", repr=False, compare=False)

    def field(self, key: str) -> FieldDef:
        return next(f for f in self.fields if f.key == key)


@dataclass(frozen=True)
class FormSet:
    """The profile plus the inspection sections, in display order."""

    forms: tuple[FormDef, ...]

    # Looked up for every answer of every submission: worked out once (the set is frozen).
    @cached_property
    def profile(self) -> FormDef:
        return self.by_id[PROFILE]

    @cached_property
    def sections(self) -> tuple[FormDef, ...]:
        return tuple(f for f in self.forms if f.form_id != PROFILE)

    @cached_property
    def by_id(self) -> Mapping[str, FormDef]:
        return MappingProxyType({f.form_id: f for f in self.forms})

    @property
    def versions(self) -> dict[str, str]:
        return {f.form_id: f.version for f in self.forms}

    @cached_property
    def _fields(self) -> Mapping[str, FieldDef]:
        return MappingProxyType({f"{f.form_id}.{d.key}": d for f in self.forms for d in f.fields})

    def field_at(self, path: str) -> FieldDef:
        found = self._fields.get(path)
        if not found:
            raise ValueError(f"unknown field {path!r}")
        return found


def load_forms(directory: str | Path) -> FormSet:
    directory = Path(directory)
    forms = [load_form(p) for p in sorted(directory.glob("*.json")) if p.stem != "indicators"]
    return form_set_of(forms, str(directory))


def form_set_of(forms: list[FormDef], where: str = "forms") -> FormSet:
    """The forms in display order, checked together (what a rule or an estimate names)."""
    forms = sorted(forms, key=lambda f: (f.position, f.form_id))
    ids = [f.form_id for f in forms]
    if PROFILE not in ids:
        raise ValueError(f"{where}: no profile form")
    if len(set(ids)) != len(ids):
        raise ValueError(f"{where}: two forms with one form_id")
    form_set = FormSet(tuple(forms))
    for form in forms:
        for c in form.constraints:
            for ref in (*c.terms, c.limit):
                path = ref if "." in ref else f"{form.form_id}.{ref}"
                try:
                    field = form_set.field_at(path)
                except ValueError:
                    raise ValueError(
                        f"{form.form_id}: constraint {c.name} uses unknown {ref!r}"
                    ) from None
                if field.type.storage != "num" or field.type.name == "boolean":
                    raise ValueError(f"{form.form_id}: constraint {c.name} uses non-numeric {ref}")
        for field in form.fields:
            if field.calculation:
                _check_calculation(form_set, form, field)
            if field.constraint:
                check_expression_refs(form_set, form, field.check, f"{form.form_id} {field.key}")
    return form_set


def check_expression_refs(form_set: FormSet, form: FormDef, tree, where: str) -> None:
    """A constraint reads numeric answers of its own form or the profile, never a coefficient,
    and divides only by a number that is not 0 or a field whose minimum is above 0."""
    for kind, name in references(tree):
        if kind == "coef":
            raise ValueError(f"{where}: coef() belongs in a calculation, not a constraint")
        if kind == "self":
            continue
        path = f"{PROFILE if kind == 'profile' else form.form_id}.{name}"
        try:
            used = form_set.field_at(path)
        except ValueError:
            raise ValueError(f"{where}: unknown field {name!r}") from None
        if used.type.storage != "num":
            raise ValueError(f"{where}: {name!r} is not a number")
    for divisor in divisors(tree):
        if not _never_zero(form_set, form, divisor):
            raise ValueError(f"{where}: divides by something that may be zero")


def _never_zero(form_set: FormSet, form: FormDef, tree) -> bool:
    if tree[0] == "num":
        return tree[1] != 0
    if tree[0] in ("field", "profile"):
        section = PROFILE if tree[0] == "profile" else form.form_id
        used = form_set.field_at(f"{section}.{tree[1]}")
        return used.min is not None and used.min > 0
    return False


def _check_calculation(form_set: FormSet, form: FormDef, field: FieldDef) -> None:
    """A calculated field is a decimal estimated from numeric answers of its own form or the
    profile, never from another calculated field (no chains to order or to loop)."""
    where = f"{form.form_id} field {field.key!r}"
    if field.type.name != "decimal":
        raise ValueError(f"{where}: only a decimal field can be calculated")
    for ref in field.calculation.field_refs:
        if "." in ref and not ref.startswith(f"{PROFILE}."):
            raise ValueError(f"{where}: calculate uses {ref!r}, not in this form or the profile")
        try:
            used = form_set.field_at(ref if "." in ref else f"{form.form_id}.{ref}")
        except ValueError:
            raise ValueError(f"{where}: calculate uses unknown {ref!r}") from None
        if used.type.storage != "num" or used.type.name == "boolean":
            raise ValueError(f"{where}: calculate uses non-numeric {ref!r}")
        if used.calculation or used is field:
            raise ValueError(f"{where}: calculate uses the calculated field {ref!r}")


# The XLSForm columns a survey row may have; anything else is a typo that would be ignored.
ROW_KEYS = frozenset(
    {"type", "name", "label", "hint", "unit", "required", "min", "max", "calculate", "decimals"}
    | {"qualifies", "default"}  # a count's basis, set by the county (_county_choice)
    | {"constraint", "constraint_message"}  # the field's own rule (app/formdefs/xpath.py)
)
CONSTRAINT_KEYS = frozenset({"name", "sum", "lte", "path", "message"})
# A field name becomes part of a path (`sections.straw.produced_t`) and an HTML input name.
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def load_form(path: Path) -> FormDef:
    try:
        data = json.loads(path.read_bytes())
    except ValueError as exc:
        raise ValueError(f"{path.name}: not a form definition ({exc!r})") from None
    return form_from_data(data, path.name, path.stem)


def form_from_data(data, name: str, expected_id: str | None = None) -> FormDef:
    """Check one form definition (forms/*.json's shape, already parsed) and build it. `name`
    says where it came from in messages; `expected_id` is the form_id it must have."""
    path = _Named(name)
    try:
        settings = data["settings"]
        form_id = settings["form_id"]
        version = settings["version"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path.name}: not a form definition ({exc!r})") from None
    if expected_id is not None and form_id != expected_id:
        raise ValueError(f"{path.name}: form_id {form_id!r} does not match the file name")
    if not isinstance(form_id, str) or not _NAME.match(form_id):
        raise ValueError(f"{path.name}: form_id must be lower-case letters, digits and _")
    choices = {}
    for name, items in data.get("choices", {}).items():
        names = [c["name"] for c in items]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"{path.name} choices {name!r}: empty or duplicate names")
        choices[name] = tuple(
            Choice(c["name"], _lang_text(c["label"], f"{path.name} choice")) for c in items
        )
    fields, seen = [], set()
    for row in data["survey"]:
        field = _field(row, form_id, choices, f"{path.name} field {row.get('name')!r}")
        if field.key in seen:
            raise ValueError(f"{path.name} field {field.key!r}: duplicate name")
        seen.add(field.key)
        fields.append(field)
    numeric = {f.key for f in fields if f.type.storage == "num" and f.type.name != "boolean"}
    for field in fields:
        if field.qualifies is not None and field.qualifies not in numeric:
            raise ValueError(f"{path.name} field {field.key!r}: qualifies no count of this form")
    constraints = tuple(
        _constraint(c, seen, f"{path.name} constraint {c.get('name')!r}")
        for c in data.get("constraints", [])
    )
    definition = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return FormDef(
        form_id,
        str(version),
        hashlib.sha256(definition.encode()).hexdigest(),
        int(settings.get("position", 99)),
        _lang_text(settings["form_title"], path.name),
        tuple(fields),
        constraints,
        definition,
    )


@dataclass(frozen=True)
class _Named:
    """What the messages call the definition (a file name, or an uploaded workbook)."""

    name: str


def _field(row: dict, form_id: str, choices: dict, where: str) -> FieldDef:
    unknown = set(row) - ROW_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown column(s) {', '.join(sorted(unknown))}")
    if not isinstance(row.get("name"), str) or not _NAME.match(row["name"]):
        raise ValueError(f"{where}: name must be lower-case letters, digits and _")
    try:
        ftype, list_name = parse_type(row.get("type", ""))
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    if list_name and list_name not in choices:
        raise ValueError(f"{where}: no choice list {list_name!r}")
    if not isinstance(row.get("required", False), bool):
        raise ValueError(f"{where}: required must be true or false")
    bounds = (row.get("min"), row.get("max"))
    for bound in bounds:
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int | float)):
            raise ValueError(f"{where}: min and max must be numbers")
    if any(b is not None for b in bounds) and (ftype.storage != "num" or ftype.name == "boolean"):
        raise ValueError(f"{where}: min and max apply to numbers only")
    if None not in bounds and bounds[0] > bounds[1]:
        raise ValueError(f"{where}: min is above max")
    calculation = parse_calculation(row["calculate"], where) if "calculate" in row else None
    decimals = row.get("decimals")
    # (a calculated field that is not a decimal is refused as such, by _check_calculation)
    wrong_type = ftype.name != "decimal" and calculation is None
    if decimals is not None and (
        wrong_type or isinstance(decimals, bool) or decimals not in range(7)
    ):
        raise ValueError(f"{where}: decimals is a whole number from 0 to 6, on a decimal field")
    return FieldDef(
        section=form_id,
        key=row["name"],
        type=ftype,
        label=_lang_text(row.get("label"), where),
        hint=_lang_text(row["hint"], where) if "hint" in row else None,
        unit=_lang_text(row["unit"], where) if "unit" in row else None,
        required=row.get("required", False),
        min=bounds[0],
        max=bounds[1],
        choices=choices.get(list_name, ()),
        calculation=calculation,
        decimals=decimals,
        **_county_choice(row, choices.get(list_name, ()), where),
        **_own_constraint(row, where),
    )


def _own_constraint(row: dict, where: str) -> dict:
    if "constraint" not in row:
        return {}
    try:
        tree = parse(row["constraint"])
    except XPathError as exc:
        raise ValueError(f"{where}: constraint {exc}") from None
    return {
        "constraint": row["constraint"],
        "check": tree,
        "constraint_message": _lang_text(row.get("constraint_message"), where),
    }


def _county_choice(row: dict, choices: tuple[Choice, ...], where: str) -> dict:
    """`qualifies` and `default` come together, on a choice field: the default is one of its
    choices (the counted field is checked once the form's fields are known)."""
    if "qualifies" not in row and "default" not in row:
        return {}
    if not choices or not {"qualifies", "default"} <= set(row):
        raise ValueError(f"{where}: qualifies and default go together, on a select_one")
    if row["default"] not in {c.name for c in choices}:
        raise ValueError(f"{where}: default {row['default']!r} is not one of its choices")
    return {"qualifies": row["qualifies"], "default": row["default"]}


def _constraint(c: dict, local_fields: set[str], where: str) -> SumConstraint:
    """Σ terms ≤ limit. Terms and the reported path are fields of this form; the limit is one
    too, or a profile field (`profile.households`) — the only other form an answer can see."""
    if set(c) != CONSTRAINT_KEYS:
        raise ValueError(f"{where}: needs exactly {', '.join(sorted(CONSTRAINT_KEYS))}")
    terms, limit = tuple(c["sum"]), c["lte"]
    for ref in (*terms, c["path"]):
        if ref not in local_fields:
            raise ValueError(f"{where}: {ref!r} is not a field of this form")
    if "." in limit and not limit.startswith(f"{PROFILE}."):
        raise ValueError(f"{where}: limit {limit!r} must be in this form or the profile")
    if "." not in limit and limit not in local_fields:
        raise ValueError(f"{where}: {limit!r} is not a field of this form")
    message = _lang_text(c["message"], where)
    try:
        for text in message.values():
            text.format(limit=1)
    except (KeyError, IndexError, ValueError):
        raise ValueError(f"{where}: a message may use only {{limit}}") from None
    return SumConstraint(c["name"], terms, limit, c["path"], message)


def _lang_text(value, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or any(not value.get(lang) for lang in LANGS):
        raise ValueError(f"{where}: text needs both {' and '.join(LANGS)}")
    return dict(value)
