"""Read the form definitions in `forms/` and check them before anything uses them.

A broken definition stops the app at start with a message naming the file and the field, rather
than surfacing later as a wrong number.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from app.formdefs.types import FieldType, parse_type

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

    def field(self, key: str) -> FieldDef:
        return next(f for f in self.fields if f.key == key)


@dataclass(frozen=True)
class FormSet:
    """The profile plus the inspection sections, in display order."""

    forms: tuple[FormDef, ...]

    @property
    def profile(self) -> FormDef:
        return self.by_id[PROFILE]

    @property
    def sections(self) -> tuple[FormDef, ...]:
        return tuple(f for f in self.forms if f.form_id != PROFILE)

    @property
    def by_id(self) -> dict[str, FormDef]:
        return {f.form_id: f for f in self.forms}

    @property
    def versions(self) -> dict[str, str]:
        return {f.form_id: f.version for f in self.forms}

    def field_at(self, path: str) -> FieldDef:
        section, _, key = path.partition(".")
        form = self.by_id.get(section)
        found = form and next((f for f in form.fields if f.key == key), None)
        if not found:
            raise ValueError(f"unknown field {path!r}")
        return found


def load_forms(directory: str | Path) -> FormSet:
    directory = Path(directory)
    forms = [load_form(p) for p in sorted(directory.glob("*.json")) if p.stem != "indicators"]
    forms.sort(key=lambda f: (f.position, f.form_id))
    ids = [f.form_id for f in forms]
    if PROFILE not in ids:
        raise ValueError(f"{directory}: no profile form")
    form_set = FormSet(tuple(forms))
    for form in forms:
        for c in form.constraints:
            for ref in (*c.terms, c.limit):
                path = ref if "." in ref else f"{form.form_id}.{ref}"
                if form_set.field_at(path).type.storage != "num":
                    raise ValueError(f"{form.form_id}: constraint {c.name} uses non-numeric {ref}")
    return form_set


def load_form(path: Path) -> FormDef:
    raw = path.read_bytes()
    data = json.loads(raw)
    settings = data["settings"]
    form_id = settings["form_id"]
    if form_id != path.stem:
        raise ValueError(f"{path.name}: form_id {form_id!r} does not match the file name")
    choices = {
        name: tuple(Choice(c["name"], _lang_text(c["label"], f"{path.name} choice")) for c in items)
        for name, items in data.get("choices", {}).items()
    }
    fields, seen = [], set()
    for row in data["survey"]:
        where = f"{path.name} field {row.get('name')!r}"
        try:
            ftype, list_name = parse_type(row["type"])
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        if row["name"] in seen:
            raise ValueError(f"{where}: duplicate name")
        seen.add(row["name"])
        if list_name and list_name not in choices:
            raise ValueError(f"{where}: no choice list {list_name!r}")
        fields.append(FieldDef(
            section=form_id, key=row["name"], type=ftype,
            label=_lang_text(row["label"], where),
            hint=_lang_text(row["hint"], where) if "hint" in row else None,
            unit=_lang_text(row["unit"], where) if "unit" in row else None,
            required=bool(row.get("required", False)),
            min=row.get("min"), max=row.get("max"),
            choices=choices.get(list_name, ()),
        ))
    constraints = tuple(
        SumConstraint(c["name"], tuple(c["sum"]), c["lte"], c["path"],
                      _lang_text(c["message"], f"{path.name} constraint {c['name']}"))
        for c in data.get("constraints", [])
    )
    return FormDef(form_id, str(settings["version"]), hashlib.sha256(raw).hexdigest(),
                   int(settings.get("position", 99)), _lang_text(settings["form_title"], path.name),
                   tuple(fields), constraints)


def _lang_text(value, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or any(not value.get(lang) for lang in LANGS):
        raise ValueError(f"{where}: text needs both {' and '.join(LANGS)}")
    return dict(value)
