"""An uploaded XLSForm workbook's sheets → a form definition, or every error in it.

Pure: the sheets as plain rows of cell values in (app/formdefs/xlsform_read.py reads them),
the definition dict of forms/*.json's shape and a list of `SheetError`s out. Every error names
its sheet, its row (as the spreadsheet numbers it, the header being row 1) and its column (the
header's text), in Chinese and English; nothing stops at the first one. The definition is then
checked once more, as a whole, by the loader (app/formdefs/loader.py) like a form file.
"""

import re
from dataclasses import dataclass

from app.formdefs.types import FIELD_TYPES
from app.formdefs.xlsform_cells import (
    CellError,
    apply_unless,
    split_calculation,
    split_constraint,
)
from app.formdefs.xlsform_sheets import (
    CHOICE_COLUMNS,
    SETTINGS_COLUMNS,
    SURVEY_COLUMNS,
    YES_NO,
    YES_NO_CHOICES,
    lang_columns,
)

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_YES = {"yes", "true", "true()", "1", "是"}
_NO = {"no", "false", "false()", "0", "否", ""}
REQUIRED = {
    "survey": ["type", "name", *lang_columns("label")],
    "choices": ["list_name", "name", *lang_columns("label")],
    "settings": ["form_title", "form_id", "cunjian_title::English (en)"],
}
KNOWN = {"survey": SURVEY_COLUMNS, "choices": CHOICE_COLUMNS, "settings": SETTINGS_COLUMNS}


@dataclass(frozen=True)
class SheetError:
    sheet: str
    row: int | None
    column: str | None
    zh: str
    en: str

    def message(self, lang: str) -> str:
        text = self.zh if lang == "zh" else self.en
        if lang == "zh":
            where = self.sheet + (f" 第 {self.row} 行" if self.row else "")
            where += f" {self.column} 列" if self.column else ""
        else:
            where = self.sheet + (f" row {self.row}" if self.row else "")
            where += f" column {self.column}" if self.column else ""
        return f"{where}: {text}"


class Sheet:
    """One sheet's rows as {column: value}, with the spreadsheet's row numbers."""

    def __init__(self, name: str, rows: list[list], errors: list):
        self.name, self.errors = name, errors
        header = [str(h).strip() if h is not None else "" for h in (rows[0] if rows else [])]
        self.columns = [h for h in header if h]
        self.rows = []
        for number, row in enumerate(rows[1:], start=2):
            cells = {h: row[i] for i, h in enumerate(header) if h and i < len(row)}
            if any(v not in (None, "") for v in cells.values()):
                self.rows.append((number, cells))
        for column in REQUIRED[name]:
            if column not in self.columns:
                self.error(1, column, "缺少此列（两种语言都要有）", "this column is missing")
        for column in self.columns:
            if column not in KNOWN[name] and not column.startswith("cunjian_"):
                self.error(1, column, "不认识的列", "unknown column")
        if len(set(self.columns)) != len(self.columns):
            self.error(1, None, "列名重复", "a column name appears twice")

    def error(self, row, column, zh, en):
        self.errors.append(SheetError(self.name, row, column, zh, en))


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _langs(sheet: Sheet, number: int, cells: dict, base: str, needed: bool) -> dict | None:
    zh, en = (text(cells.get(c)) for c in lang_columns(base))
    if not zh and not en and not needed:
        return None
    if (not zh or not en) and set(lang_columns(base)) <= set(sheet.columns):
        missing = lang_columns(base)[0 if not zh else 1]
        sheet.error(number, missing, "缺少这种语言的文字", "the text in this language is missing")
    return {"zh": zh, "en": en}


def read_choices(sheet: Sheet) -> dict[str, list]:
    lists: dict[str, list] = {}
    for number, cells in sheet.rows:
        list_name, name = text(cells.get("list_name")), text(cells.get("name"))
        if not _NAME.match(list_name):
            sheet.error(number, "list_name", "列表名须为小写字母、数字和 _", "bad list name")
            continue
        if not name:
            sheet.error(number, "name", "缺少选项名", "the choice has no name")
            continue
        items = lists.setdefault(list_name, [])
        if name in {i["name"] for i in items}:
            sheet.error(number, "name", f"列表 {list_name} 中选项 {name} 重复", "duplicate choice")
        items.append({"name": name, "label": _langs(sheet, number, cells, "label", True)})
    if YES_NO in lists and lists[YES_NO] != YES_NO_CHOICES:
        sheet.error(None, "list_name", "yes_no 是保留的是/否列表，请勿修改", "yes_no is reserved")
    lists.pop(YES_NO, None)
    return lists


def _type(sheet, number, cells, lists) -> str | None:
    raw = " ".join(text(cells.get("type")).split())
    if raw == f"select_one {YES_NO}":
        return "boolean"
    head, _, list_name = raw.partition(" ")
    if head not in FIELD_TYPES or head == "boolean" or (head == "select_one") != bool(list_name):
        known = "integer, decimal, text, select_one LIST, select_one yes_no"
        sheet.error(
            number, "type", f"不支持的类型 {raw!r}（可用：{known}）", f"unknown type {raw!r}"
        )
        return None
    if list_name and list_name not in lists:
        sheet.error(number, "type", f"choices 表中没有列表 {list_name}", f"no list {list_name}")
        return None
    return raw


def _required(sheet, number, cells) -> bool:
    value = text(cells.get("required")).lower()
    if value not in _YES | _NO:
        sheet.error(number, "required", "须为 yes 或 no", "must be yes or no")
    return value in _YES


def survey_row(sheet, number, cells, lists, rules) -> dict | None:
    row: dict = {"type": _type(sheet, number, cells, lists), "name": text(cells.get("name"))}
    if not _NAME.match(row["name"]):
        sheet.error(number, "name", "字段名须为小写字母开头的字母、数字和 _", "bad field name")
    row["label"] = _langs(sheet, number, cells, "label", True)
    for key in ("hint", "unit"):
        if (value := _langs(sheet, number, cells, key, False)) is not None:
            row[key] = value
    row["required"] = _required(sheet, number, cells)
    if constraint := text(cells.get("constraint")):
        try:
            parts = split_constraint(constraint, row["name"])
        except CellError as exc:
            sheet.error(number, "constraint", exc.zh, exc.en)
            parts = {}
        row.update({k: parts[k] for k in ("min", "max", "constraint") if k in parts})
        message = _langs(sheet, number, cells, "constraint_message", False)
        if "sum_rule" in parts and "constraint" in parts:
            sheet.error(
                number, "constraint", "一个字段只能有一条跨字段规则", "one cross-field rule"
            )
        elif ("sum_rule" in parts or "constraint" in parts) and message is None:
            column = lang_columns("constraint_message")[0]
            sheet.error(number, column, "跨字段规则须有两种语言的提示", "needs a message")
        if "constraint" in parts:
            row["constraint_message"] = message
        if "sum_rule" in parts:
            name = text(cells.get("cunjian_rule")) or f"{row['name']}_limit"
            rules.append({"name": name, **parts["sum_rule"], "path": row["name"]})
            rules[-1]["message"] = message
    if calculation := text(cells.get("calculation")):
        try:
            row["calculate"] = split_calculation(calculation)
        except CellError as exc:
            sheet.error(number, "calculation", exc.zh, exc.en)
    if (unless := text(cells.get("cunjian_unless"))) and "calculate" in row:
        try:
            apply_unless(row["calculate"], unless)
        except CellError as exc:
            sheet.error(number, "cunjian_unless", exc.zh, exc.en)
    if decimals := text(cells.get("cunjian_decimals")):
        if decimals.isdigit() and int(decimals) <= 6:
            row["decimals"] = int(decimals)
        else:
            sheet.error(number, "cunjian_decimals", "须为 0–6 的整数", "must be a whole number 0–6")
    qualifies, default = text(cells.get("cunjian_qualifies")), text(cells.get("default"))
    if qualifies or default:
        row.update(qualifies=qualifies, default=default)
    return row if row["type"] else None
