"""Workbooks for the issue 22 tests: a shipped form's export, edited with openpyxl as a county
would in WPS or Excel."""

import io
import json

import openpyxl

from app.formdefs.xlsform_sheets import sheets
from app.formdefs.xlsform_workbook import workbook_bytes
from tests.paths import ROOT

FORM_IDS = sorted(p.stem for p in (ROOT / "forms").glob("*.json") if p.stem != "indicators")


def shipped(form_id: str) -> dict:
    return json.loads((ROOT / "forms" / f"{form_id}.json").read_text())


def exported(form_id: str) -> bytes:
    return workbook_bytes(sheets(shipped(form_id)))


def edit(data: bytes, change) -> bytes:
    """`change(book)` applied to the workbook `data`; the edited workbook's bytes."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def column(sheet, header: str) -> int:
    return [c.value for c in sheet[1]].index(header) + 1


def row_of(sheet, name: str) -> int:
    names = [c.value for c in sheet["B"]]
    return names.index(name) + 1


def set_cell(book, sheet: str, name: str, header: str, value) -> None:
    ws = book[sheet]
    # (ws.cell(..., value=None) would leave the old value: it sets only what is not None)
    ws.cell(row=row_of(ws, name), column=column(ws, header)).value = value


def add_question(book, after: str, cells: dict) -> int:
    """A new survey row after the field `after`; its row number."""
    ws = book["survey"]
    at = row_of(ws, after) + 1
    ws.insert_rows(at)
    for header, value in cells.items():
        ws.cell(row=at, column=column(ws, header), value=value)
    return at


NEW_QUESTION = {
    "type": "integer",
    "name": "bags_collected",
    "label::中文 (zh)": "回收袋数",
    "label::English (en)": "Bags collected",
    "required": "no",
    "constraint": ". >= 0 and . <= 100000",
}


def relabel_and_add(data: bytes) -> bytes:
    """film: a clearer label for film recovered, and a new question after it."""

    def change(book):
        set_cell(book, "survey", "recovered_t", "label::中文 (zh)", "农膜回收总量")
        set_cell(book, "survey", "recovered_t", "label::English (en)", "Film recovered in all")
        add_question(book, "recovered_t", NEW_QUESTION)

    return edit(data, change)
