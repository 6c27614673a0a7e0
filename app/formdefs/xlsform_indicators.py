"""The workbook's `cunjian_indicators` sheet back into indicator definitions.

Pure: rows in, indicators.json-shaped dicts (with `section` the workbook's form) or
(sheet, row, column, zh, en) errors out. A term is written as the export writes it
(app/formdefs/xlsform_sheets.py): `film.recovered_t + film.other_t` (a sum),
`count()` (the villages that reported the section) or `count(sewage.facility_running = true
and sewage.treatment_mode != none)`. The loader (app/formdefs/indicators.py) then checks the
fields exist and are numeric, as for indicators.json.
"""

import re
from datetime import date

from app.formdefs.target_rules import PROBLEMS, path_problem
from app.formdefs.xlsform_check import SheetError, text
from app.formdefs.xlsform_sheets import lang_columns

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_PATH = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_CONDITION = re.compile(r"^([a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)\s*(=|!=)\s*(\S+)$")


class TermError(ValueError):
    pass


def _value(raw: str):
    if raw in ("true", "false"):
        return raw == "true"
    try:
        number = float(raw)
    except ValueError:
        return raw
    return int(number) if number.is_integer() else number


def parse_term(raw: str) -> dict:
    raw = " ".join(raw.split())
    if raw == "count()":
        return {"count": True}
    if raw.startswith("count(") and raw.endswith(")"):
        conditions = []
        for part in raw[6:-1].split(" and "):
            match = _CONDITION.match(part.strip())
            if not match:
                raise TermError(part)
            field, op, value = match.groups()
            conditions.append({"field": field, "eq" if op == "=" else "ne": _value(value)})
        return {"count_where": conditions}
    paths = [p.strip() for p in raw.split("+")]
    if not paths or not all(_PATH.match(p) for p in paths):
        raise TermError(raw)
    return {"sum": paths}


def indicators_from_rows(rows: list[list], form_id: str) -> tuple[list[tuple[int, dict]], list]:
    """[(row number, indicator)] and the errors of the sheet's rows (header first)."""
    errors: list[SheetError] = []
    if not rows:
        return [], errors
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    found = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {h: row[i] for i, h in enumerate(header) if h and i < len(row)}
        if all(v in (None, "") for v in cells.values()):
            continue

        def error(column, zh, en, number=number):
            errors.append(SheetError("cunjian_indicators", number, column, zh, en))

        key = text(cells.get("key"))
        if not _KEY.match(key):
            error("key", "指标代码须为小写字母、数字和 _", "bad indicator key")
            continue
        label = dict(
            zip(("zh", "en"), (text(cells.get(c)) for c in lang_columns("label")), strict=True)
        )
        if not all(label.values()):
            error("label::English (en)", "指标名称两种语言都要有", "the label needs both languages")
        indicator = {"key": key, "section": form_id, "label": label}
        for column in ("numerator", "denominator"):
            try:
                indicator[column] = parse_term(text(cells.get(column)))
            except TermError as exc:
                shown = str(exc)
                error(
                    column, f"看不懂“{shown}”（示例：a.b + a.c、count()）", f"cannot read {shown!r}"
                )
        kinds = [k.strip() for k in text(cells.get("unit_kinds")).split(",") if k.strip()]
        indicator["unit_kinds"] = kinds or ["village"]
        target = target_from_cells(cells, error)
        if target:
            indicator["target"] = target
        found.append((number, indicator))
    return found, errors


# The county-wide target of a county's own indicator (issue 22): a percentage and, for its
# path, a baseline percentage with its year and a deadline year (each the year's last day, as
# the plan writes "by 2027"). Set on publish from the current quarter on, as /admin/targets does.
TARGET_COLUMNS = ("target_percent", "baseline_percent", "baseline_year", "deadline_year")
_COLUMN_OF = {
    "value": "target_percent",
    "baseline_value": "baseline_percent",
    "baseline_both": "baseline_year",
    "baseline_deadline": "deadline_year",
    "deadline_order": "deadline_year",
}


def _percent(raw):
    if raw in (None, ""):
        return None
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise TermError(raw) from None
    if not 0 <= number <= 100:
        raise TermError(raw)
    return round(number / 100, 6)


def _year_end(raw):
    if raw in (None, ""):
        return None
    shown = text(raw)
    if not re.fullmatch(r"20\d\d", shown):
        raise TermError(raw)
    return f"{shown}-12-31"


def target_from_cells(cells: dict, error) -> dict | None:
    """The row's target ({value, baseline: {value, date}, deadline}) or None; its errors through
    `error(column, zh, en)`, the path's by the one rule of app/formdefs/target_rules.py."""
    values = {}
    for column, read, zh, en in (
        ("target_percent", _percent, "须为 0 到 100 之间的百分数", "a percentage from 0 to 100"),
        ("baseline_percent", _percent, "须为 0 到 100 之间的百分数", "a percentage from 0 to 100"),
        ("baseline_year", _year_end, "须为年份（如 2025）", "a year such as 2025"),
        ("deadline_year", _year_end, "须为年份（如 2027）", "a year such as 2027"),
    ):
        try:
            values[column] = read(cells.get(column))
        except TermError:
            error(column, zh, en)
            return None
    value, baseline, since, deadline = (values[c] for c in TARGET_COLUMNS)
    if value is None:
        if any(v is not None for v in (baseline, since, deadline)):
            error(
                "target_percent",
                "有基线或期限就要有目标值",
                "a baseline or deadline needs a target",
            )
        return None
    problem = path_problem(
        value,
        baseline,
        date.fromisoformat(since) if since else None,
        date.fromisoformat(deadline) if deadline else None,
    )
    if problem:
        error(_COLUMN_OF[problem], PROBLEMS[problem]["zh"], PROBLEMS[problem]["en"])
        return None
    target = {"value": value}
    if baseline is not None:
        target["baseline"] = {"value": baseline, "date": since}
    if deadline:
        target["deadline"] = deadline
    return target
