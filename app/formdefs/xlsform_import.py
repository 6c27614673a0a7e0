"""A workbook's sheets → one form definition, checked row by row and then as a whole.

Pure: rows in (app/formdefs/xlsform_read.py), `(definition, errors)` out; the definition is
forms/*.json's shape, so the loader that checks the form files checks it too. The references a
constraint or an estimate makes are checked here, with their row and column, so the county
reads "survey 第 12 行 constraint 列: 未知字段 ${manure_utilsed_t}" rather than the loader's
sentence.
"""

from app.formdefs.xlsform_check import (
    Sheet,
    SheetError,
    read_choices,
    survey_row,
    text,
)
from app.formdefs.xpath import XPathError, divisors, parse, references, unparse

SHEETS = ("survey", "choices", "settings")


def _settings(sheet: Sheet, form_id: str) -> dict:
    if not sheet.rows:
        sheet.error(2, None, "settings 表没有内容", "the settings sheet is empty")
        return {}
    number, cells = sheet.rows[0]
    found = text(cells.get("form_id"))
    if found != form_id:
        sheet.error(number, "form_id", f"应为 {form_id}，这是另一张表单", f"must be {form_id}")
    english = "cunjian_title::English (en)"
    title = {"zh": text(cells.get("form_title")), "en": text(cells.get(english))}
    for lang, column in (("zh", "form_title"), ("en", english)):
        if not title[lang]:
            sheet.error(number, column, "缺少表单标题", "the form's title is missing")
    position = cells.get("cunjian_position")
    if position in (None, ""):
        position = 99
    elif isinstance(position, bool) or not isinstance(position, int | float):
        sheet.error(number, "cunjian_position", "须为整数", "must be a whole number")
        position = 99
    return {
        "form_id": form_id,
        "version": text(cells.get("version")),
        "form_title": title,
        "default_language": "zh",
        "position": int(position),
    }


def _check_references(sheet: Sheet, numbers: dict, survey: list, rules: list, profile: dict):
    """Every ${field} and profile('field') a constraint, a Σ rule or an estimate names exists and
    is a number; a division is by a number not 0 or a field whose minimum is above 0."""
    fields = {row["name"]: row for row in survey}

    def numeric(name: str) -> dict | None:
        section, _, key = name.rpartition(".")
        found = (profile if section == "profile" else fields).get(key)
        return found if found and found["type"] in ("integer", "decimal") else None

    def check(number, column, names):
        for name in names:
            section, _, key = name.rpartition(".")
            shown = f"profile('{key}')" if section else "${" + key + "}"
            if numeric(name) is None:
                known = (profile if section else fields).get(key)
                zh = f"未知字段 {shown}" if known is None else f"{shown} 不是数值字段"
                en = f"unknown field {shown}" if known is None else f"{shown} is not a number"
                sheet.error(number, column, zh, en)

    for row in survey:
        number = numbers[row["name"]]
        if "constraint" in row:
            try:
                tree = parse(row["constraint"])
            except XPathError:
                continue
            refs = references(tree)
            names = [f"profile.{n}" if k == "profile" else n for k, n in refs if k != "self"]
            check(number, "constraint", [n for n in names if (("coef", n) not in refs)])
            if any(k == "coef" for k, _ in refs):
                zh, en = "coef() 只能用于 calculation", "coef() belongs in a calculation"
                sheet.error(number, "constraint", zh, en)
            for divisor in divisors(tree):
                if not _never_zero(divisor, numeric):
                    shown = unparse(divisor)
                    sheet.error(
                        number, "constraint", f"除数 {shown} 可能为零", f"{shown} may be zero"
                    )
        for term_list in row.get("calculate", []):
            for term in term_list["terms"]:
                check(number, "calculation", term.get("fields", []))
                for name in term.get("fields", []):
                    used = numeric(name)
                    if used is not None and "calculate" in used:
                        zh, en = f"不能用估算字段 {name} 再估算", f"{name} is itself an estimate"
                        sheet.error(number, "calculation", zh, en)
    for rule in rules:
        check(numbers[rule["path"]], "constraint", [*rule["sum"], rule["lte"]])


def _never_zero(tree, numeric) -> bool:
    if tree[0] == "num":
        return tree[1] != 0
    if tree[0] in ("field", "profile"):
        used = numeric(tree[1] if tree[0] == "field" else f"profile.{tree[1]}")
        return bool(used) and used.get("min") is not None and used["min"] > 0
    return False


def definition_from_sheets(
    sheets: dict[str, list[list]], form_id: str, profile_fields: dict[str, dict]
) -> tuple[dict | None, list[SheetError]]:
    """`profile_fields`: the profile's survey rows by name (what `profile('…')` may name)."""
    errors: list[SheetError] = []
    for name in SHEETS:
        if name not in sheets:
            errors.append(SheetError(name, None, None, "缺少此工作表", "this sheet is missing"))
    if errors:
        return None, errors
    lists = read_choices(Sheet("choices", sheets["choices"], errors))
    settings = _settings(Sheet("settings", sheets["settings"], errors), form_id)
    survey_sheet = Sheet("survey", sheets["survey"], errors)
    survey, rules, numbers = [], [], {}
    for number, cells in survey_sheet.rows:
        kept_rules = len(rules)
        row = survey_row(survey_sheet, number, cells, lists, rules)
        if row is not None and row["name"] in numbers:
            first = numbers[row["name"]]
            survey_sheet.error(number, "name", f"字段名与第 {first} 行重复", "duplicate name")
            row = None
        if row is None:
            del rules[kept_rules:]  # a rule of a row that is not kept checks nothing
            continue
        numbers[row["name"]] = number
        survey.append(row)
    if not survey and not errors:
        survey_sheet.error(2, None, "survey 表没有字段", "the survey sheet has no field")
    _check_references(survey_sheet, numbers, survey, rules, profile_fields)
    if errors:
        return None, errors
    definition = {"settings": settings, "survey": survey, "choices": lists}
    if rules:
        definition["constraints"] = rules
    return definition, []
