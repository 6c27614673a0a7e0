"""A form definition (forms/*.json's shape) as the rows of an XLSForm workbook, and back.

Pure: plain dicts and lists in, plain rows out (no Flask, no database, no openpyxl). The
workbook is what a county edits in WPS or Excel and what pyxform converts: `survey`, `choices`
and `settings` sheets with `label::中文 (zh)` / `label::English (en)` columns. What XLSForm has
no column for travels in columns and sheets whose names start with `cunjian_` or are
`unit::…`, which pyxform and ODK ignore:

- bounds and the cross-field sum rule of a field are its `constraint`, in the XPath subset of
  app/formdefs/xpath.py (`. >= 0 and . <= 1000000 and . <= ${used_t}`); the sum rule's name is
  `cunjian_rule` and its message `constraint_message::…` (with `{limit}`);
- an estimate is the field's `calculation` (`coalesce(0.001 * ${bought_kg}, …)`, with
  `coef('film.kg_per_mu')` for a coefficient and `profile('households')` for a profile answer);
- `boolean` is `select_one yes_no` over the reserved list `yes_no`;
- the unit is `unit::…`, the count basis `cunjian_qualifies` with XLSForm's `default`;
- an estimate's decimals are `cunjian_decimals`, and a term counted only while other answers
  are blank names them in `cunjian_unless` (JSON, app/formdefs/xlsform_cells.py);
- the form's place in the inspection is `cunjian_position` and its English title
  `cunjian_title::English (en)` in `settings`.
"""

from app.formdefs.xlsform_cells import unless_text

LANG_COLUMNS = {"zh": "中文 (zh)", "en": "English (en)"}
YES_NO = "yes_no"
YES_NO_CHOICES = [
    {"name": "yes", "label": {"zh": "是", "en": "Yes"}},
    {"name": "no", "label": {"zh": "否", "en": "No"}},
]


def lang_columns(base: str) -> list[str]:
    return [f"{base}::{LANG_COLUMNS[lang]}" for lang in ("zh", "en")]


SURVEY_COLUMNS = [
    "type",
    "name",
    *lang_columns("label"),
    *lang_columns("hint"),
    "required",
    "constraint",
    *lang_columns("constraint_message"),
    "calculation",
    "default",
    *lang_columns("unit"),
    "cunjian_qualifies",
    "cunjian_rule",
    "cunjian_decimals",
    "cunjian_unless",
]
CHOICE_COLUMNS = ["list_name", "name", *lang_columns("label")]
SETTINGS_COLUMNS = [
    "form_title",
    "form_id",
    "version",
    "default_language",
    "cunjian_title::English (en)",
    "cunjian_position",
]
INDICATOR_COLUMNS = [
    "key",
    *lang_columns("label"),
    "numerator",
    "denominator",
    "unit_kinds",
    # a county indicator's target (app/formdefs/xlsform_indicators.py reads them back)
    "target_percent",
    "baseline_percent",
    "baseline_year",
    "deadline_year",
]


def number_text(value) -> str:
    """A bound or factor as written in an expression: 0 and 1000000, never 0.0 or 1e+06."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _ref(name: str, path: str | None = None) -> str:
    if name.startswith("profile."):
        return f"profile('{name.partition('.')[2]}')"
    return "." if name == path else "${" + name + "}"


def constraint_text(row: dict, rule: dict | None) -> str:
    clauses = []
    if row.get("min") is not None:
        clauses.append(f". >= {number_text(row['min'])}")
    if row.get("max") is not None:
        clauses.append(f". <= {number_text(row['max'])}")
    if rule:
        total = " + ".join(_ref(t, rule["path"]) for t in rule["sum"])
        clauses.append(f"{total} <= {_ref(rule['lte'])}")
    if row.get("constraint"):  # the field's own rule, after the bounds and the sum
        own = row["constraint"]
        clauses.append(f"({own})" if " or " in own else own)
    return " and ".join(clauses)


def calculation_text(alternatives: list[dict]) -> str:
    sums = []
    for alternative in alternatives:
        products = []
        for term in alternative["terms"]:
            factor = term.get("factor", 1)
            parts = [number_text(factor)] if factor != 1 else []
            parts += [_ref(f) for f in term.get("fields", [])]
            parts += [f"coef('{k}')" for k in term.get("coefficients", [])]
            products.append(" * ".join(parts))
        sums.append(" + ".join(products))
    return sums[0] if len(sums) == 1 else f"coalesce({', '.join(sums)})"


def _texts(value: dict | None) -> list[str]:
    return [(value or {}).get(lang, "") for lang in ("zh", "en")]


def survey_rows(definition: dict) -> list[list]:
    rules = {c["path"]: c for c in definition.get("constraints", [])}
    rows = []
    for row in definition["survey"]:
        rule = rules.get(row["name"])
        ftype = f"select_one {YES_NO}" if row["type"] == "boolean" else row["type"]
        rows.append(
            [
                ftype,
                row["name"],
                *_texts(row.get("label")),
                *_texts(row.get("hint")),
                "yes" if row.get("required") else "no",
                constraint_text(row, rule),
                *_texts(row.get("constraint_message") or (rule or {}).get("message")),
                calculation_text(row["calculate"]) if "calculate" in row else "",
                row.get("default", ""),
                *_texts(row.get("unit")),
                row.get("qualifies", ""),
                rule["name"] if rule else "",
                row.get("decimals", ""),
                unless_text(row["calculate"]) if "calculate" in row else "",
            ]
        )
    return rows


def choice_rows(definition: dict) -> list[list]:
    lists = dict(definition.get("choices", {}))
    if any(row["type"] == "boolean" for row in definition["survey"]):
        lists.setdefault(YES_NO, YES_NO_CHOICES)
    return [
        [list_name, item["name"], *_texts(item["label"])]
        for list_name, items in lists.items()
        for item in items
    ]


def settings_rows(definition: dict) -> list[list]:
    settings = definition["settings"]
    return [
        [
            settings["form_title"]["zh"],
            settings["form_id"],
            settings["version"],
            LANG_COLUMNS["zh"],
            settings["form_title"]["en"],
            settings.get("position", 99),
        ]
    ]


def _value_text(value) -> str:
    return "true" if value is True else "false" if value is False else number_text(value)


def _term_text(term: dict) -> str:
    if "sum" in term:
        return " + ".join(term["sum"])
    if "count_where" in term:
        conditions = [
            f"{c['field']} {'=' if 'eq' in c else '!='} {_value_text(c.get('eq', c.get('ne')))}"
            for c in term["count_where"]
        ]
        return "count(" + " and ".join(conditions) + ")"
    return "count()"


def indicator_rows(indicators: list[dict], form_id: str) -> list[list]:
    """The indicators over this form's fields, for the reader (import ignores this sheet)."""
    return [
        [
            i["key"],
            *_texts(i["label"]),
            _term_text(i["numerator"]),
            _term_text(i["denominator"]),
            ", ".join(i.get("unit_kinds", ["village"])),
            *_target_cells(i.get("target")),
        ]
        for i in indicators
        if i.get("section") == form_id
    ]


def _target_cells(target: dict | None) -> list:
    """target %, baseline %, baseline year, deadline year (blank where there is none)."""
    if not target:
        return [None] * 4

    def percent(fraction):
        value = round(fraction * 100, 4)
        return int(value) if value == int(value) else value

    baseline = target.get("baseline")
    return [
        percent(target["value"]),
        percent(baseline["value"]) if baseline else None,
        int(baseline["date"][:4]) if baseline else None,
        int(target["deadline"][:4]) if target.get("deadline") else None,
    ]


def sheets(definition: dict, indicators: list[dict] | None = None) -> dict[str, list[list]]:
    """{sheet name: [header, *rows]} of the workbook of `definition`."""
    found = {
        "survey": [SURVEY_COLUMNS, *survey_rows(definition)],
        "choices": [CHOICE_COLUMNS, *choice_rows(definition)],
        "settings": [SETTINGS_COLUMNS, *settings_rows(definition)],
    }
    form_id = definition["settings"]["form_id"]
    if indicator_list := indicator_rows(indicators or [], form_id):
        found["cunjian_indicators"] = [INDICATOR_COLUMNS, *indicator_list]
    return found
