"""The streaming XLSX writer on its own: chunks in order, the rows asked for only once the
workbook's first bytes are out, odd text kept safe, and a file openpyxl and zipfile accept."""

import io
import zipfile
from decimal import Decimal

from openpyxl import load_workbook

from app.exports import xlsx_stream

FIXED_PARTS = [
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
]


class RowsAfterFirstChunk:
    """Rows that fail the test when asked for before the test has taken the first chunk, and
    count how many have been taken."""

    def __init__(self, rows):
        self._rows = iter(rows)
        self.first_chunk_taken = False
        self.taken = 0

    def __iter__(self):
        return self

    def __next__(self):
        assert self.first_chunk_taken, "a row was asked for before the first chunk left"
        row = next(self._rows)
        self.taken += 1
        return row


def village_rows(count):
    # Row n: code, a name that differs per row (so the zip does not shrink it to nothing),
    # a whole number and a rate.
    return ([f"1402251{n:05d}", f"村{n}·{n * 7919 % 100003}", n, n / 8] for n in range(count))


def opened(data: bytes):
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return archive, load_workbook(io.BytesIO(data)).active


def test_first_chunk_holds_the_fixed_parts_and_leaves_before_any_row():
    rows = RowsAfterFirstChunk(village_rows(3))
    chunks = xlsx_stream.iter_workbook("村", ["代码", "名称", "数", "率"], rows)
    first = next(chunks)
    assert first.startswith(b"PK\x03\x04") and rows.taken == 0
    rows.first_chunk_taken = True
    rest = list(chunks)
    for name in FIXED_PARTS:
        assert name.encode() in first
    assert b"xl/worksheets/sheet1.xml" not in first
    archive, sheet = opened(first + b"".join(rest))
    assert archive.namelist() == [*FIXED_PARTS, "xl/worksheets/sheet1.xml"]
    # Row 3 is n = 1: 1·7919 % 100003 = 7919; 1 / 8 = 0.125.
    assert [c.value for c in sheet[3]] == ["140225100001", "村1·7919", 1, 0.125]


def test_a_large_sheet_goes_out_in_bounded_chunks(monkeypatch):
    """30,000 rows: the sheet leaves in several chunks, none much over CHUNK_BYTES, its rows
    gathered first (its <dimension> needs their count) in a spool that goes to disk past
    SPOOL_BYTES (made small here so this sheet crosses it)."""
    monkeypatch.setattr(xlsx_stream, "SPOOL_BYTES", 256 * 1024)
    total = 30_000
    rows = RowsAfterFirstChunk(village_rows(total))
    chunks = xlsx_stream.iter_workbook("村", ["代码", "名称", "数", "率"], rows)
    received = [next(chunks)]
    rows.first_chunk_taken = True
    received += list(chunks)
    assert rows.taken == total
    assert len(received) > 4
    assert max(len(c) for c in received) < 2 * xlsx_stream.CHUNK_BYTES
    data = b"".join(received)
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    # read-only openpyxl sizes the sheet by <dimension>: 4 columns, the header and 30,000 rows
    assert (sheet.max_row, sheet.max_column) == (total + 1, 4)
    count, last = 0, None
    for count, last in enumerate(sheet.iter_rows(values_only=True), start=1):  # noqa: B007
        pass
    assert count == total + 1
    # The last row, n = 29,999: 29,999·7919 % 100003 = 54,956; 29,999 / 8 = 3749.875.
    assert last == ("140225129999", "村29999·54956", 29999, 3749.875)


def sheet_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()


def test_the_sheet_states_its_used_range():
    """<dimension> comes first in the sheet, before <sheetViews> (the schema's order): three
    rows under a four-column header span A1:D4; a header alone A1:D1; a row wider than the
    header (six cells) widens it to F."""
    three = b"".join(xlsx_stream.iter_workbook("村", ["a", "b", "c", "d"], village_rows(3)))
    xml = sheet_xml(three)
    assert (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:D4"/><sheetViews>' in xml
    )
    assert load_workbook(io.BytesIO(three), read_only=True).active.calculate_dimension() == "A1:D4"
    empty = b"".join(xlsx_stream.iter_workbook("村", ["a", "b", "c", "d"], []))
    assert '<dimension ref="A1:D1"/>' in sheet_xml(empty)
    wide = b"".join(xlsx_stream.iter_workbook("村", ["a"], [[1, 2, 3, 4, 5, 6]]))
    assert '<dimension ref="A1:F2"/>' in sheet_xml(wide)


def test_control_characters_are_dropped_and_line_breaks_kept():
    header = ["代码", "名\x00称"]
    rows = [
        ["a\x01b\x0bc\x1fd", "tab\there\nnew line\r\nCRLF"],
        ["\x07=1+1", "lone \ud800 surrogate \ufffe"],
    ]
    data = b"".join(xlsx_stream.iter_workbook("村\x02 Q4", header, rows, quoted=is_formula))
    archive, sheet = opened(data)
    assert sheet.title == "村 Q4"
    assert [c.value for c in sheet[1]] == ["代码", "名称"]
    assert [c.value for c in sheet[2]] == ["abcd", "tab\there\nnew line\r\nCRLF"]
    # Once its control character is gone the text starts with "=": still quoted text.
    guarded = sheet.cell(row=3, column=1)
    assert guarded.value == "=1+1" and guarded.data_type == "s" and guarded.quotePrefix
    assert sheet.cell(row=3, column=2).value == "lone  surrogate "
    assert b"\x00" not in archive.read("xl/worksheets/sheet1.xml")


def is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=")


def test_cells_are_typed_styled_and_escaped():
    header = ["代码", "=名称", "<&>"]
    rows = [
        [1, 2.5, True],
        [None, float("nan"), "  padded  "],
        ["_x0041_ stays as typed", "a < b & c > d", 10**15],
        [Decimal("82.3"), float("inf"), 7.0],
    ]
    data = b"".join(xlsx_stream.iter_workbook("t", header, rows, quoted=is_formula, frozen=(2, 1)))
    archive, sheet = opened(data)
    assert sheet.freeze_panes == "C2"
    bold = [c.font.b for c in sheet[1]]
    assert bold == [True, True, True]
    assert sheet.cell(row=1, column=2).quotePrefix  # a header can be guarded too
    one, half, yes = sheet[2]
    assert (one.value, type(one.value), one.data_type) == (1, int, "n")
    assert (half.value, type(half.value), half.data_type) == (2.5, float, "n")
    assert yes.value is True and not one.font.b
    # None and NaN leave the cell empty; spaces at either end survive.
    assert [c.value for c in sheet[3]] == [None, None, "  padded  "]
    assert [c.value for c in sheet[4]][1:] == ["a < b & c > d", 10**15]
    assert [c.value for c in sheet[5]] == [82.3, None, 7.0]
    # Excel reads "_xHHHH_" as a character code: the writer escapes the underscore (openpyxl
    # does not decode it, so it shows the escape).
    sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<t>_x005F_x0041_ stays as typed</t>" in sheet_xml


def test_sheet_names_follow_excels_rules():
    assert xlsx_stream.sheet_name("乡镇/村 [2026]:Q4*?\\") == "乡镇_村 _2026__Q4___"
    assert xlsx_stream.sheet_name("'quoted'") == "quoted"
    assert xlsx_stream.sheet_name("x" * 40) == "x" * 31
    assert xlsx_stream.sheet_name("\x01") == "Sheet"


def test_the_same_table_gives_the_same_bytes():
    def write():
        return b"".join(xlsx_stream.iter_workbook("村", ["a"], [["x"], [1]]))

    assert write() == write()
