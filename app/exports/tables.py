"""The township and village tables as CSV and XLSX, for officials who work in Excel.

Pure (no Flask, no database): it takes the roll-up's results and the translated words, and
returns bytes. Every figure goes through `app.rollups.figures`, the same rounding the page uses, so
an export holds no number the page does not show.

Spreadsheet programs run a cell that begins with `=`, `+`, `-` or `@` (and some read a leading
tab or carriage return the same way) as a formula, so a village named `=HYPERLINK(...)` could
run code on an official's PC (OWASP "CSV injection"). Such text is written so it stays text:
with a leading `'` in CSV, as a quote-prefixed string cell in XLSX (every text cell of an XLSX
is a string, never a formula).

A province has about 25,000 villages, so nothing here holds a whole file: `rows` yields one row
at a time, and `iter_csv` and `iter_xlsx` yield the file in small chunks as the rows come, the
first chunk before the first row is asked for (the XLSX is a zip written with data descriptors,
see app/exports/xlsx_stream.py).
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from app.exports import xlsx_stream
from app.rollups import figures

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = b"\xef\xbb\xbf"
CSV_ROWS_PER_CHUNK = 200  # ~40 KB of a village table: small chunks, few writes to the socket
FROZEN_COLUMNS_AND_ROWS = (2, 1)  # code and name, and the header: the pane frozen at C2

# The Content-Type of each format, whole: sent as `content_type=` (as is), never `mimetype=`,
# to which Werkzeug adds "; charset=utf-8" a second time for a text type.
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


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
    estimated: str = ""  # the title of the villages table's "partly estimated" column


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
    indicators: Sequence[tuple[str, str]],
    words: Words,
    with_township: bool = False,
    with_estimates: bool = False,
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
    if with_estimates:
        titles.append(words.estimated)
    return titles


def rows(
    units: Iterable,
    indicators: Sequence[tuple[str, str]],
    words: Words,
    township_names: dict[str, str] | None = None,
    estimate_notes: dict[str, str] | None = None,
) -> Iterator[list]:
    """One row per unit (township or village), made as it is asked for. `township_names`
    (village code → township name) adds a township column to a village table; `estimate_notes`
    (village code → which figures are partly estimated, and how much) a last column."""
    for unit in units:
        row = [unit.code, unit.name]
        if township_names is not None:
            row.append(township_names.get(unit.code, ""))
        row += [unit.villages_reported, unit.villages_total]
        for key, _label in indicators:
            result = unit.indicators.get(key)
            if result is None:  # the indicator does not count this unit's kind: no figure
                row += [None, None, None, None, words.status_labels.get("not_counted", "")]
                continue
            row += [
                figures.amount(result.numerator),
                figures.amount(result.denominator),
                figures.percent(result.rate),
                figures.percent(result.target),
                words.status_labels.get(result.status, result.status),
            ]
        if estimate_notes is not None:
            row.append(estimate_notes.get(unit.code, ""))
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


def iter_xlsx(header: Sequence[str], rows: Iterable[Sequence], sheet_title: str) -> Iterator[bytes]:
    """The workbook in chunks (app.exports.xlsx_stream): its fixed parts before the first row is
    asked
    for, then the rows as they come. Code and name columns and the header stay in view."""
    return xlsx_stream.iter_workbook(
        sheet_title, header, rows, quoted=needs_guard, frozen=FROZEN_COLUMNS_AND_ROWS
    )


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence], sheet_title: str) -> bytes:
    return b"".join(iter_xlsx(header, rows, sheet_title))
