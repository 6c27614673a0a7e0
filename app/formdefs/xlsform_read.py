"""Read an uploaded workbook safely into plain rows, or say why not.

Before openpyxl opens anything, the file is looked at as the zip it must be: an `.xls`
(OLE2), a macro-enabled `.xlsm`, a workbook with external links, more than `MAX_MEMBERS`
parts, more than `MAX_UNPACKED` bytes unpacked or a part packed more than `MAX_RATIO` times
(a zip bomb) is refused from the zip's directory alone. openpyxl then reads it with
defusedxml (no entity expansion, no external entities). A formula, a hidden sheet or merged
cells are refused with their sheet, row and column: a county's workbook holds values only.
"""

import io
import zipfile

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from app.formdefs.xlsform_check import SheetError

MAX_BYTES = 2 * 1024 * 1024  # the app's MAX_CONTENT_LENGTH: a form's workbook is ~20 KB
MAX_UNPACKED = 20 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 200
MAX_ROWS = 2000
MAX_COLUMNS = 60


class WorkbookRefused(ValueError):
    def __init__(self, errors: list[SheetError]):
        super().__init__("; ".join(e.en for e in errors))
        self.errors = errors


def _refuse(zh: str, en: str, sheet: str = "workbook"):
    raise WorkbookRefused([SheetError(sheet, None, None, zh, en)])


def _check_zip(data: bytes, filename: str) -> None:
    lower = (filename or "").lower()
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or lower.endswith(".xls"):
        _refuse("不支持旧版 .xls，请另存为 .xlsx", "an .xls file: save it as .xlsx")
    if lower.endswith((".xlsm", ".xltm", ".xlsb")):
        _refuse("不接受含宏的工作簿，请另存为 .xlsx", "macro-enabled workbook: save as .xlsx")
    if len(data) > MAX_BYTES:
        _refuse("文件超过 2 MB", "the file is over 2 MB")
    if not data.startswith(b"PK\x03\x04"):
        _refuse("不是 .xlsx 工作簿", "not an .xlsx workbook")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        _refuse("文件已损坏，无法打开", "the file is damaged")
    names = {m.filename.lower() for m in members}
    if len(members) > MAX_MEMBERS:
        _refuse("工作簿的组成部分过多", "too many parts in the workbook")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED or any(
        m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members
    ):
        _refuse("解压后体积异常（疑似压缩炸弹）", "unpacks to far too much (a zip bomb?)")
    if any(n.endswith("vbaproject.bin") for n in names):
        _refuse("不接受含宏的工作簿，请另存为 .xlsx", "macro-enabled workbook: save as .xlsx")
    if any(n.startswith("xl/externallinks/") for n in names):
        _refuse("工作簿含外部链接，请删除后再上传", "the workbook links to another file")
    if "xl/workbook.xml" not in names:
        _refuse("不是 .xlsx 工作簿", "not an .xlsx workbook")


def _value(cell, sheet: str, errors: list):
    where = (sheet, cell.row, get_column_letter(cell.column))
    if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
        errors.append(SheetError(*where, "单元格含公式，请只填值", "a formula: enter values only"))
        return None
    value = cell.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    errors.append(SheetError(*where, "只能填文字或数字", "only text or numbers"))
    return None


def read_sheets(data: bytes, filename: str) -> dict[str, list[list]]:
    """{sheet name: rows of values}, or WorkbookRefused with every error found."""
    _check_zip(data, filename)
    try:
        book = load_workbook(io.BytesIO(data), data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds on a malformed part; each means "damaged"
        _refuse("文件已损坏，无法打开", "the file is damaged")
    errors: list[SheetError] = []
    sheets = {}
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            errors.append(SheetError(sheet.title, None, None, "隐藏的工作表", "a hidden sheet"))
        for merged in sheet.merged_cells.ranges:
            at = (sheet.title, merged.min_row, get_column_letter(merged.min_col))
            errors.append(
                SheetError(*at, f"合并单元格 {merged.coord}", f"merged cells {merged.coord}")
            )
        if sheet.max_row > MAX_ROWS or sheet.max_column > MAX_COLUMNS:
            errors.append(SheetError(sheet.title, None, None, "行或列过多", "too many rows"))
            continue
        sheets[sheet.title] = [
            [_value(cell, sheet.title, errors) for cell in row] for row in sheet.iter_rows()
        ]
    if book.chartsheets:
        errors.append(SheetError("workbook", None, None, "含图表页", "a chart sheet"))
    if errors:
        raise WorkbookRefused(errors)
    return sheets
