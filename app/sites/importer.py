"""Importing a register from the spreadsheet the county keeps (XLSX or CSV).

The first row names the columns: `code`, `name`, `village_code`, `lat`, `lon` and the kind's
register columns, by key or by Chinese label (编号, 名称, 村代码, 纬度, 经度). All rows are
checked before anything is written; one refused row refuses the file, each refused row named
with its number (as the spreadsheet shows it) and reason, so nothing is ever half-imported. A
code already in the register updates that site (never a second one); a code of another kind,
a village outside the admin's scope, a formula (the value is not what the county sees, and a
formula is a way in for CSV injection) are refused.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from app.accounts.policy import in_scope
from app.extensions import db
from app.models import Site, User, Village
from app.sites.kinds import SiteKind
from app.sites.registry import CODE, add_site, clean_attributes, edit_site

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
BASE = {"code": "编号", "name": "名称", "village_code": "村代码", "lat": "纬度", "lon": "经度"}
MESSAGES = {
    "too_big": {"zh": "文件超过 2 MB", "en": "The file is larger than 2 MB"},
    "not_sheet": {
        "zh": "不是电子表格：请上传 XLSX 或 CSV 文件",
        "en": "Not a spreadsheet: upload an XLSX or CSV file",
    },
    "empty": {"zh": "表格没有数据行", "en": "The sheet has no data rows"},
    "too_many": {"zh": "最多 5000 行", "en": "At most 5000 rows"},
    "header": {"zh": "缺少列：{names}", "en": "Missing columns: {names}"},
    "formula": {
        "zh": "单元格含公式（{cell}），请粘贴为数值",
        "en": "A cell holds a formula ({cell}): paste values",
    },
    "no_code": {"zh": "缺少编号", "en": "No code"},
    "bad_code": {
        "zh": "编号“{code}”无效（字母、数字、- 和 _，至多 32 位）",
        "en": "Code {code!r} is not valid (letters, digits, - and _, at most 32)",
    },
    "dup_code": {
        "zh": "编号“{code}”在第 {first} 行已出现",
        "en": "Code {code} already appears in row {first}",
    },
    "no_name": {"zh": "缺少名称", "en": "No name"},
    "no_village": {"zh": "缺少村代码", "en": "No village code"},
    "unknown_village": {"zh": "没有村代码为“{code}”的村", "en": "No village with code {code}"},
    "other_kind": {
        "zh": "编号“{code}”已登记为其他类型的场所",
        "en": "Code {code} is registered as another kind of site",
    },
    "location": {
        "zh": "经纬度须为数字（纬度 -90 到 90，经度 -180 到 180）",
        "en": "Latitude and longitude must be numbers (-90–90, -180–180)",
    },
}


class ImportRefused(Exception):
    """The file as a whole is refused (not a spreadsheet, too big, no header)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row": n, "message": text}


def read_rows(content: bytes, filename: str, lang: str) -> list[tuple[int, list]]:
    """(row number, cells) of every row, the header first; ImportRefused for a bad file."""
    if len(content) > MAX_BYTES:
        raise ImportRefused(MESSAGES["too_big"][lang])
    if content[:2] == b"PK":
        return _xlsx_rows(content, lang)
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls")) or b"\x00" in content[:4096]:
        raise ImportRefused(MESSAGES["not_sheet"][lang])
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRefused(MESSAGES["not_sheet"][lang])
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        raise ImportRefused(MESSAGES["not_sheet"][lang]) from None
    return [(n, row) for n, row in enumerate(rows, start=1) if any(c.strip() for c in row)]


def _xlsx_rows(content: bytes, lang: str) -> list[tuple[int, list]]:
    from openpyxl import load_workbook  # only when an XLSX arrives

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ImportRefused(MESSAGES["not_sheet"][lang]) from None
    try:
        sheet = book.worksheets[0]
        out = []
        for row in sheet.iter_rows():
            cells = []
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    raise ImportRefused(
                        MESSAGES["formula"][lang].format(cell=cell.coordinate)
                        + _row_word(cell.row, lang)
                    )
                cells.append("" if cell.value is None else cell.value)
            if any(str(c).strip() for c in cells):
                out.append((row[0].row if row else len(out) + 1, cells))
            if len(out) > MAX_ROWS + 1:
                raise ImportRefused(MESSAGES["too_many"][lang])
        return out
    finally:
        book.close()


def _row_word(row: int, lang: str) -> str:
    return f"（第 {row} 行）" if lang == "zh" else f" (row {row})"


def import_register(
    kind: SiteKind, content: bytes, filename: str, actor: User, lang: str
) -> ImportResult:
    """Check every row, then (only if none is refused) add or update the sites. The caller
    commits on a result without errors and rolls back otherwise."""
    rows = read_rows(content, filename, lang)
    if len(rows) < 2:
        raise ImportRefused(MESSAGES["empty"][lang])
    if len(rows) > MAX_ROWS + 1:
        raise ImportRefused(MESSAGES["too_many"][lang])
    header_row, *data = rows
    columns = _columns(kind, [str(c).strip() for c in header_row[1]], lang)
    result, planned, first_seen = ImportResult(), [], {}
    villages = _villages([_cell(cells, columns, "village_code") for _, cells in data])
    existing = _existing([_cell(cells, columns, "code") for _, cells in data])
    for number, cells in data:
        values = {key: _cell(cells, columns, key) for key in columns}
        for key, value in values.items():
            if isinstance(value, str) and value.startswith("="):
                result.errors.append(_error(number, "formula", lang, cell=key))
                break
        else:
            problem, item = _check_row(
                kind, values, villages, existing, first_seen, number, actor, lang
            )
            if problem:
                result.errors.append({"row": number, "message": problem})
            else:
                planned.append(item)
    if result.errors:
        return result
    for site, data_row, village in planned:
        if site is None:
            add_site(kind, data_row, village, actor)
            result.created += 1
        elif edit_site(site, data_row, village, actor):
            result.updated += 1
        else:
            result.unchanged += 1
    return result


def _columns(kind: SiteKind, header: list[str], lang: str) -> dict[str, int]:
    names = {**{k: (k, zh) for k, zh in BASE.items()}}
    for column in kind.register:
        names[column.name] = (column.name, column.label["zh"])
    found = {}
    for key, aliases in names.items():
        for index, text in enumerate(header):
            if text in aliases:
                found[key] = index
    missing = [k for k in ("code", "name", "village_code") if k not in found]
    if missing:
        raise ImportRefused(MESSAGES["header"][lang].format(names=", ".join(missing)))
    return found


def _cell(cells: list, columns: dict[str, int], key: str):
    index = columns.get(key)
    if index is None or index >= len(cells):
        return ""
    value = cells[index]
    if isinstance(value, float) and value.is_integer() and key in ("code", "village_code"):
        value = int(value)  # a code typed into Excel as a number
    return str(value).strip() if not isinstance(value, int | float) else value


def _villages(codes) -> dict[str, Village]:
    wanted = {str(c) for c in codes if c not in ("", None)}
    if not wanted:
        return {}
    found = db.session.execute(db.select(Village).where(Village.code.in_(wanted))).scalars()
    return {v.code: v for v in found}


def _existing(codes) -> dict[str, Site]:
    wanted = {str(c) for c in codes if c not in ("", None)}
    if not wanted:
        return {}
    found = db.session.execute(db.select(Site).where(Site.code.in_(wanted))).scalars()
    return {s.code: s for s in found}


def _check_row(kind, values, villages, existing, first_seen, number, actor, lang):
    """(message, None) for a refused row, (None, (site or None, data, village)) otherwise."""
    code, name = str(values.get("code", "")), str(values.get("name", ""))
    village_code = str(values.get("village_code", ""))
    if not code:
        return MESSAGES["no_code"][lang], None
    if not CODE.match(code):
        return MESSAGES["bad_code"][lang].format(code=code), None
    if code in first_seen:
        return MESSAGES["dup_code"][lang].format(code=code, first=first_seen[code]), None
    first_seen[code] = number
    if not name:
        return MESSAGES["no_name"][lang], None
    if not village_code:
        return MESSAGES["no_village"][lang], None
    village = villages.get(village_code)
    if village is None or not in_scope(actor, village.township):
        return MESSAGES["unknown_village"][lang].format(code=village_code), None
    site = existing.get(code)
    if site is not None and (site.kind != kind.key or not in_scope(actor, site.village.township)):
        return MESSAGES["other_kind"][lang].format(code=code), None
    location = _location(values.get("lat"), values.get("lon"))
    if location is False:
        return MESSAGES["location"][lang], None
    attributes, problems = clean_attributes(kind, values, lang)
    if problems:
        return "；".join(problems) if lang == "zh" else "; ".join(problems), None
    data = {"code": code, "name": name[:100], "attributes": attributes, **location}
    return None, (site, data, village)


def _location(lat, lon):
    """{"lat", "lon"} (None when both blank), or False when not a place on Earth."""
    if lat in ("", None) and lon in ("", None):
        return {"lat": None, "lon": None}
    try:
        la, lo = float(lat), float(lon)
    except (TypeError, ValueError):
        return False
    if not (-90 <= la <= 90 and -180 <= lo <= 180):
        return False
    return {"lat": la, "lon": lo}


def _error(number: int, key: str, lang: str, **values) -> dict:
    return {"row": number, "message": MESSAGES[key][lang].format(**values)}
