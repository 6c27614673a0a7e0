"""The village export as it was, reproduced for bench_exports to measure the streamed one against.

Two earlier ways, step for step:
  - in memory (the first version): the village roll-up, a second (township) roll-up for the
    names, every row in a list, the whole CSV in a string or the whole workbook in openpyxl's
    normal mode, then the bytes. Its first byte is its whole body.
  - temp file (the XLSX before it streamed): the rows made lazily by the route's own helper,
    written by openpyxl's write-only mode into an anonymous temporary file, which was then sent
    in 64 KB chunks; its first byte left only once the workbook was complete.
openpyxl is a test dependency (the app no longer uses it); `make bench` installs it.
"""

import csv
import io
import tempfile
import time

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font

from app.exports import tables as exports
from app.extensions import db
from app.rollups import reports
from app.views.dashboard.context import indicator_infos
from app.views.dashboard.export_routes import _village_rows, _words
from app.views.dashboard.tables import township_code_of

SHEET_TITLE = "村"
SPOOL_CHUNK_BYTES = 64 * 1024


def in_memory_export(app, fmt: str, period: str) -> tuple[float, float, bytes]:
    """(first byte, total, body) in seconds: the first byte is the whole body."""
    started = time.perf_counter()
    with app.test_request_context(f"/dashboard/export/villages.{fmt}?period={period}"):
        units = reports.rollup(period, "village", None)
        names = {t.code: t.name for t in reports.rollup(period, "township")}
        indicators = [(i.key, i.label) for i in indicator_infos()]
        header, rows = exports.table(
            units,
            indicators,
            _words(),
            township_names={u.code: names.get(township_code_of(u.code), "") for u in units},
        )
        body = old_csv(header, rows) if fmt == "csv" else old_xlsx(header, rows)
        db.session.remove()
    total = time.perf_counter() - started
    return total, total, body


def temp_file_export(app, period: str, keep: bool = False) -> tuple[float, float, bytes]:
    """(first byte, total, body if `keep`) in seconds, the file read back as it was sent."""
    started = time.perf_counter()
    with app.test_request_context(f"/dashboard/export/villages.xlsx?period={period}"):
        indicators = [(i.key, i.label) for i in indicator_infos()]
        words = _words()
        header = exports.header(indicators, words, with_township=True)
        rows = _village_rows(period, None, indicators, words)
        with tempfile.TemporaryFile(prefix="cunjian-export-") as spool:
            write_only_xlsx(spool, header, rows)
            spool.seek(0)
            body = [spool.read(SPOOL_CHUNK_BYTES)]
            first = time.perf_counter() - started
            while chunk := spool.read(SPOOL_CHUNK_BYTES):
                if keep:
                    body.append(chunk)
        db.session.remove()
    return first, time.perf_counter() - started, b"".join(body)


def old_csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([exports.csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([exports.csv_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def old_xlsx(header, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    for row_index, row in enumerate([header, *rows], start=1):
        for col_index, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_index, column=col_index)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
                if exports.needs_guard(value):
                    cell.quotePrefix = True
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_only_xlsx(target, header, rows) -> None:
    """The temp-file writer (app/exports/tables.py write_xlsx_to before streaming)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "C2"
    sheet.append([_header_cell(sheet, title) for title in header])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    workbook.save(target)


def _header_cell(sheet, title: str) -> WriteOnlyCell:
    cell = _text_cell(sheet, title)
    cell.font = Font(bold=True)
    return cell


def _cell(sheet, value):
    if isinstance(value, str) and (exports.needs_guard(value) or value in ERROR_CODES):
        return _text_cell(sheet, value)
    return value


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    if exports.needs_guard(value):
        cell.quotePrefix = True
    return cell
