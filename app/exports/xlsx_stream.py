"""A one-sheet XLSX workbook written as a stream of byte chunks, so a download can start at once.

An XLSX is a zip of XML parts. A zip's directory comes last, but each member can be written
without knowing its size beforehand (a "data descriptor" after the data carries the sizes), and
Python's zipfile does so when its output cannot seek. So the workbook goes out in order: the
small fixed parts first (content types, relationships, workbook, styles), before the caller's
rows are asked for; then the sheet; then the directory. The sheet opens with its <dimension>
(the used range, A1:N214), which needs the row count, so its rows are gathered first in a
spooled temporary file (memory up to SPOOL_BYTES, then disk) and then sent in chunks. Nothing
held in memory grows with the number of rows: a batch of row XML, the spool's bounded buffer, the
compressor's window, one chunk of output and a bounded cache of text cells. Every part carries
zipfile's default date (1980-01-01), so the same table always gives the same bytes.

Pure (no Flask, no database, no openpyxl): values in, bytes out. Text goes in as inline strings
(no shared-string table, which would have to be complete before the sheet), numbers as numbers.
Characters XML 1.0 cannot hold (control characters other than tab and line breaks, lone
surrogates) are dropped, so odd input cannot make a file Excel refuses to open.
"""

import math
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal

CHUNK_BYTES = 64 * 1024  # what the writer yields at a time: few socket writes, little held
ROW_XML_BATCH = 32 * 1024  # characters of sheet XML handed to the compressor at once
TEXT_CACHE_SIZE = 1024  # distinct texts whose cell XML is kept: the repeated ones (statuses)
# zlib's fastest level: a fifth of the default's time for a file about a third larger (bench).
COMPRESS_LEVEL = 1
# The sheet's rows are gathered before its XML is written, since <dimension> (the used range,
# which readers such as openpyxl's read-only mode size the sheet by) comes first and needs the
# row count; up to this many bytes in memory, the rest in a temporary file.
SPOOL_BYTES = 4 * 1024 * 1024

# Styles (cellXfs indices in STYLES_XML): header cells are bold; quoted cells keep text that a
# spreadsheet would otherwise run as a formula as text even after someone edits the cell.
PLAIN, BOLD, QUOTED, BOLD_QUOTED = 0, 1, 2, 3

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES_XML = (
    XML_DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS_XML = (
    XML_DECL + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS_XML = (
    XML_DECL + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_XF = '<xf numFmtId="0" fontId="{font}" fillId="0" borderId="0" xfId="0"{extra}/>'
STYLES_XML = (
    XML_DECL + f'<styleSheet xmlns="{MAIN_NS}">'
    '<fonts count="2">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4">'
    + _XF.format(font=0, extra="")
    + _XF.format(font=1, extra=' applyFont="1"')
    + _XF.format(font=0, extra=' quotePrefix="1"')
    + _XF.format(font=1, extra=' applyFont="1" quotePrefix="1"')
    + "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)

# XML 1.0 allows tab, LF, CR and U+0020 up; not the other C0 controls, surrogates, FFFE/FFFF.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel reads "_xHHHH_" in text as the character HHHH; a literal one is kept by escaping its "_".
OOXML_ESCAPE_LOOKALIKE = re.compile("_(x[0-9A-Fa-f]{4}_)")


def iter_workbook(
    sheet_title: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    quoted: Callable[[object], bool] = lambda value: False,
    frozen: tuple[int, int] = (0, 1),
) -> Iterator[bytes]:
    """The workbook's bytes in chunks of about CHUNK_BYTES. The first chunk (the workbook's
    fixed parts) is yielded before `rows` is first asked for, so a slow producer of rows (a
    province's roll-up) does not hold up the start of the download.

    `header` is the first row, in bold; `quoted(value)` says which text cells get Excel's
    quote prefix; `frozen` is (columns, rows) kept in view when scrolling. `sheet_title` is
    made a valid sheet name (see `sheet_name`)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as archive:
        for name, text in (
            ("[Content_Types].xml", CONTENT_TYPES_XML),
            ("_rels/.rels", ROOT_RELS_XML),
            ("xl/workbook.xml", _workbook_xml(sheet_name(sheet_title))),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS_XML),
            ("xl/styles.xml", STYLES_XML),
        ):
            with archive.open(name, "w") as part:
                part.write(text.encode("utf-8"))
        yield sink.take()
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            last_row, width = _spool_rows(spool, header, rows, quoted)
            spool.seek(0)
            with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
                sheet.write(_sheet_start(frozen, _dimension(last_row, width)).encode("utf-8"))
                while data := spool.read(ROW_XML_BATCH):
                    sheet.write(data)
                    if sink.size >= CHUNK_BYTES:
                        yield sink.take()
                sheet.write(b"</sheetData></worksheet>")
    yield sink.take()


def _spool_rows(spool, header: Sequence[str], rows: Iterable[Sequence], quoted) -> tuple[int, int]:
    """The rows' XML into `spool`; (the last row's number, the widest row's cells)."""
    columns, texts = _Columns(), _TextCells(quoted)
    batch = [_row_xml(1, header, columns.first(len(header)), _TextCells(quoted, BOLD))]
    size, last_row, width = 0, 1, len(header)
    for last_row, row in enumerate(rows, start=2):  # noqa: B007 - the count is wanted
        xml = _row_xml(last_row, row, columns.first(len(row)), texts)
        width = max(width, len(row))
        batch.append(xml)
        size += len(xml)
        if size >= ROW_XML_BATCH:
            spool.write("".join(batch).encode("utf-8"))
            batch.clear()
            size = 0
    spool.write("".join(batch).encode("utf-8"))
    return last_row, width


def _dimension(last_row: int, width: int) -> str:
    """The sheet's used range, A1:<last column><last row> (A1 for an empty sheet)."""
    if width == 0:
        return "A1"
    return f"A1:{_Columns().letter(width - 1)}{last_row}"


class _Sink:
    """Where the zip writes: it keeps the bytes until the generator hands them on. It has no
    tell() or seek(), so zipfile writes data descriptors instead of going back to fix headers."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        if data:
            self._parts.append(bytes(data))
            self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        self.size = 0
        return data


def sheet_name(title: str) -> str:
    """Excel forbids []:*?/\\ in sheet names, a leading or trailing apostrophe, and more than
    31 characters."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in XML_ILLEGAL.sub("", title))
    return cleaned[:31].strip("'") or "Sheet"


def _workbook_xml(sheet_title: str) -> str:
    name = _escape(sheet_title, attribute=True)
    return (
        XML_DECL + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    )


def _sheet_start(frozen: tuple[int, int], dimension: str) -> str:
    columns, rows = frozen
    view = '<sheetView workbookViewId="0"/>'
    if columns or rows:
        corner = f"{_Columns().letter(columns)}{rows + 1}"
        split = (f' xSplit="{columns}"' if columns else "") + (f' ySplit="{rows}"' if rows else "")
        pane = "bottomRight" if columns and rows else ("topRight" if columns else "bottomLeft")
        view = (
            f'<sheetView workbookViewId="0"><pane{split} topLeftCell="{corner}" '
            f'activePane="{pane}" state="frozen"/>'
            f'<selection pane="{pane}" activeCell="{corner}" sqref="{corner}"/></sheetView>'
        )
    return (
        XML_DECL + f'<worksheet xmlns="{MAIN_NS}"><dimension ref="{dimension}"/>'
        f"<sheetViews>{view}</sheetViews><sheetData>"
    )


def _row_xml(number: int, values: Sequence, letters: list[str], texts: "_TextCells") -> str:
    cells = []
    for letter, value in zip(letters, values, strict=True):
        kind = type(value)  # the exact type first: the common cases cost one comparison
        if kind is str:
            cells.append(f'<c r="{letter}{number}"{texts.after_ref(value)}')
        elif kind is int:
            cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
        elif kind is float:
            if math.isfinite(value):  # no NaN or infinity in a spreadsheet: left empty
                cells.append(f'<c r="{letter}{number}"><v>{value!r}</v></c>')
        elif value is not None:
            cells.append(_other_cell(f"{letter}{number}", value, texts))
    return f'<row r="{number}">{"".join(cells)}</row>'


def _other_cell(ref: str, value, texts: "_TextCells") -> str:
    """A bool as a bool; a Decimal or a subclass of int or float as its number; else text."""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{int(value)}</v></c>'
    if isinstance(value, float | Decimal):
        return f'<c r="{ref}"><v>{float(value)!r}</v></c>' if math.isfinite(value) else ""
    return f'<c r="{ref}"{texts.after_ref(str(value))}'


class _TextCells:
    """The XML of a text cell after its reference, made once per distinct text while the cache
    holds (a table repeats its status words and township names on every row). The cache is
    emptied when full, so it holds at most TEXT_CACHE_SIZE texts whatever the row count."""

    def __init__(self, quoted: Callable[[object], bool], base_style: int = PLAIN) -> None:
        self._quoted = quoted
        self._base_style = base_style
        self._cache: dict[str, str] = {}

    def after_ref(self, text: str) -> str:
        xml = self._cache.get(text)
        if xml is None:
            if len(self._cache) >= TEXT_CACHE_SIZE:
                self._cache.clear()
            xml = self._cache[text] = self._make(text)
        return xml

    def _make(self, text: str) -> str:
        if not text.isprintable():  # the common case skips the search: isprintable() is cheap
            text = XML_ILLEGAL.sub("", text)
        # The guard looks at the text as it is stored, control characters gone.
        style = self._base_style + (QUOTED if self._quoted(text) else 0)
        style_attr = f' s="{style}"' if style else ""
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f' t="inlineStr"{style_attr}><is><t{space}>{_escape(text)}</t></is></c>'


def _escape(text: str, attribute: bool = False) -> str:
    """`text` (already without XML-illegal characters) as XML character data or attribute."""
    if "_x" in text:
        text = OOXML_ESCAPE_LOOKALIKE.sub(r"_x005F_\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A parser turns a raw CR into LF (and, in an attribute, any line break into a space).
    text = text.replace("\r", "&#13;")
    if attribute:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return text


class _Columns:
    """Column letters (A, B, … Z, AA, …), worked out once per column."""

    def __init__(self) -> None:
        self._letters: list[str] = []

    def first(self, count: int) -> list[str]:
        while len(self._letters) < count:
            number, name = len(self._letters) + 1, ""
            while number:
                number, rest = divmod(number - 1, 26)
                name = chr(65 + rest) + name
            self._letters.append(name)
        return self._letters[:count] if count < len(self._letters) else self._letters

    def letter(self, index: int) -> str:
        return self.first(index + 1)[index]
