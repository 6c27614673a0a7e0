"""The township and village tables as CSV and XLSX, for officials who work in Excel.

Pure (no Flask, no database): it takes the roll-up's results and the translated words, and
returns bytes. Every figure goes through `app.figures`, the same rounding the page uses, so an
export holds no number the page does not show.

Spreadsheet programs run a cell that begins with `=`, `+`, `-` or `@` (and some read a leading
tab or carriage return the same way) as a formula, so a village named `=HYPERLINK(...)` could
run code on an official's PC (OWASP "CSV injection"). Such text is written so it stays text:
with a leading `'` in CSV, as a quote-prefixed string cell in XLSX.

A province has about 25,000 villages, so nothing here holds a whole file: `rows` yields one row
at a time, `iter_csv` yields the CSV in small chunks as the rows come, and `write_xlsx_to` uses
openpyxl's write-only mode, which writes each row to its own temporary file as it is appended.
An XLSX is a zip whose directory comes last, so it cannot go over the wire as it is made: the
caller gives it a temporary file and streams that once it is complete.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font

from app import figures

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = b"\xef\xbb\xbf"
CSV_ROWS_PER_CHUNK = 200  # ~40 KB of a village table: small chunks, few writes to the socket


@dataclass(frozen=True)
class Words:
    """The translated words of the table; the caller passes them in the user's language."""

    code: str
    name: str
    township: str
    villages_total: str
    villages_reported: str
    numerator: str
    denominator: str
    rate: str
    target: str
    status: str
    status_labels: dict[str, str]  # "meets" → "达标", ...


def table(
    units: Iterable,
    indicators: Sequence[tuple[str, str]],
    words: Words,
    township_names: dict[str, str] | None = None,
) -> tuple[list[str], list[list]]:
    """The header and all rows of a unit table (see `header` and `rows`), as lists."""
    return (
        header(indicators, words, with_township=township_names is not None),
        list(rows(units, indicators, words, township_names)),
    )


def header(
    indicators: Sequence[tuple[str, str]], words: Words, with_township: bool = False
) -> list[str]:
    """The column titles: code, name, (township), villages reported and total, and per
    indicator its numerator, denominator, rate (%), target (%) and status.

    `indicators` is [(key, label)] in display order."""
    titles = [words.code, words.name]
    if with_township:
        titles.append(words.township)
    titles += [words.villages_reported, words.villages_total]
    for _key, label in indicators:
        titles += [
            f"{label} · {words.numerator}",
            f"{label} · {words.denominator}",
            f"{label} · {words.rate} (%)",
            f"{label} · {words.target} (%)",
            f"{label} · {words.status}",
        ]
    return titles


def rows(
    units: Iterable,
    indicators: Sequence[tuple[str, str]],
    words: Words,
    township_names: dict[str, str] | None = None,
) -> Iterator[list]:
    """One row per unit (township or village), made as it is asked for. `township_names`
    (village code → township name) adds a township column to a village table."""
    for unit in units:
        row = [unit.code, unit.name]
        if township_names is not None:
            row.append(township_names.get(unit.code, ""))
        row += [unit.villages_reported, unit.villages_total]
        for key, _label in indicators:
            result = unit.indicators.get(key)
            if result is None:
                row += [None, None, None, None, words.status_labels.get("no_data", "")]
                continue
            row += [
                figures.amount(result.numerator),
                figures.amount(result.denominator),
                figures.percent(result.rate),
                figures.percent(result.target),
                words.status_labels.get(result.status, result.status),
            ]
        yield row


def needs_guard(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def csv_cell(value) -> str:
    if value is None:
        return ""
    if needs_guard(value):
        return "'" + value
    return str(value)


def iter_csv(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """The CSV in chunks of a few rows, the byte-order mark first: without it Excel on Windows
    reads the file as GBK/ANSI and the Chinese names turn to mojibake."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    yield UTF8_BOM + _drain(buffer)
    for count, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(v) for v in row])
        if count % CSV_ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    tail = _drain(buffer)
    if tail:
        yield tail


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def write_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    return b"".join(iter_csv(header, rows))


def write_xlsx_to(
    target: BinaryIO, header: Sequence[str], rows: Iterable[Sequence], sheet_title: str
) -> None:
    """Write the workbook into `target` (a file opened for binary writing) a row at a time."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_title))
    sheet.freeze_panes = "C2"  # before the first row: write-only sheets write their views first
    sheet.append([_header_cell(sheet, title) for title in header])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    workbook.save(target)


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence], sheet_title: str) -> bytes:
    buffer = io.BytesIO()
    write_xlsx_to(buffer, header, rows, sheet_title)
    return buffer.getvalue()


def _header_cell(sheet, title: str) -> WriteOnlyCell:
    cell = _text_cell(sheet, title)
    cell.font = Font(bold=True)
    return cell


def _cell(sheet, value):
    """Numbers and plain text go in as they are; text openpyxl would read as a formula or an
    error code (`=…`, `#N/A`) and text a spreadsheet would run gets a cell of its own."""
    if isinstance(value, str) and (needs_guard(value) or value in ERROR_CODES):
        return _text_cell(sheet, value)
    return value


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    # Always a string cell (openpyxl would store "=…" as a formula); quotePrefix tells Excel
    # to keep it text even after someone edits the cell.
    cell.data_type = "s"
    if needs_guard(value):
        cell.quotePrefix = True
    return cell


def _sheet_title(title: str) -> str:
    """Excel forbids []:*?/\\ in sheet names and allows 31 characters."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31] or "Sheet"
