"""The township and village tables as CSV and XLSX, for officials who work in Excel.

Pure (no Flask, no database): it takes the roll-up's results and the translated words, and
returns bytes. Every figure goes through `app.figures`, the same rounding the page uses, so an
export holds no number the page does not show.

Spreadsheet programs run a cell that begins with `=`, `+`, `-` or `@` (and some read a leading
tab or carriage return the same way) as a formula, so a village named `=HYPERLINK(...)` could
run code on an official's PC (OWASP "CSV injection"). Such text is written so it stays text:
with a leading `'` in CSV, as a quote-prefixed string cell in XLSX.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from app import figures

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


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
    """The header and rows of a unit table: one row per unit (township or village), and per
    indicator its numerator, denominator, rate (%), target (%) and status.

    `indicators` is [(key, label)] in display order. `township_names` (village code → township
    name) adds a township column to a village table.
    """
    header = [words.code, words.name]
    if township_names is not None:
        header.append(words.township)
    header += [words.villages_reported, words.villages_total]
    for _key, label in indicators:
        header += [
            f"{label} · {words.numerator}",
            f"{label} · {words.denominator}",
            f"{label} · {words.rate} (%)",
            f"{label} · {words.target} (%)",
            f"{label} · {words.status}",
        ]
    rows = []
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
        rows.append(row)
    return header, rows


def needs_guard(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def csv_cell(value) -> str:
    if value is None:
        return ""
    if needs_guard(value):
        return "'" + value
    return str(value)


def write_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a byte-order mark: without it Excel on Windows reads the file as GBK/ANSI
    and the Chinese names turn to mojibake."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence], sheet_title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(sheet_title)
    for row_index, row in enumerate([header, *rows], start=1):
        for col_index, value in enumerate(row, start=1):
            _put(sheet.cell(row=row_index, column=col_index), value)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put(cell, value) -> None:
    cell.value = value
    if isinstance(value, str):
        # Always a string cell (openpyxl would store "=…" as a formula); quotePrefix tells Excel
        # to keep it text even after someone edits the cell.
        cell.data_type = "s"
        if needs_guard(value):
            cell.quotePrefix = True


def _sheet_title(title: str) -> str:
    """Excel forbids []:*?/\\ in sheet names and allows 31 characters."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31] or "Sheet"
