"""Issue 22, import: a workbook back into a form definition, and every kind of bad workbook
refused with its sheet, row and column in both languages (pure: no app, no database)."""

import io
import json
import zipfile

import openpyxl
import pytest

from app.formdefs.loader import form_from_data, load_form
from app.formdefs.xlsform_import import definition_from_sheets
from app.formdefs.xlsform_read import WorkbookRefused, read_sheets
from app.formdefs.xlsform_sheets import sheets
from tests.paths import ROOT
from tests.xlsform_helpers import (
    FORM_IDS,
    NEW_QUESTION,
    add_question,
    column,
    edit,
    exported,
    relabel_and_add,
    row_of,
    set_cell,
    shipped,
)

PROFILE = {row["name"]: row for row in shipped("profile")["survey"]}


def imported(data: bytes, form_id: str = "film", filename: str = "film.xlsx"):
    return definition_from_sheets(read_sheets(data, filename), form_id, PROFILE)


def messages(data: bytes, form_id="film", filename="film.xlsx", lang="zh") -> list[str]:
    try:
        _definition, errors = imported(data, form_id, filename)
    except WorkbookRefused as refused:
        errors = refused.errors
    return [e.message(lang) for e in errors]


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_shipped_form_comes_back_as_it_went(form_id):
    definition, errors = imported(exported(form_id), form_id)
    assert errors == []
    assert sheets(definition) == sheets(shipped(form_id))
    again = form_from_data(definition, "workbook", form_id)
    original = load_form(ROOT / "forms" / f"{form_id}.json")
    assert (again.fields, again.constraints, again.title) == (
        original.fields,
        original.constraints,
        original.title,
    )


def test_a_new_label_and_question_are_read():
    definition, errors = imported(relabel_and_add(exported("film")))
    assert errors == []
    rows = {row["name"]: row for row in definition["survey"]}
    assert rows["recovered_t"]["label"] == {"zh": "农膜回收总量", "en": "Film recovered in all"}
    assert [r["name"] for r in definition["survey"]][-2:] == ["recovered_t", "bags_collected"]
    assert rows["bags_collected"] == {
        "type": "integer",
        "name": "bags_collected",
        "label": {"zh": "回收袋数", "en": "Bags collected"},
        "required": False,
        "min": 0,
        "max": 100000,
    }


def test_an_own_constraint_is_kept_beside_the_bounds_and_the_sum():
    def change(book):
        set_cell(
            book, "survey", "bought_kg", "constraint", ". >= 0 and . <= 5 * ${mulched_mu} + 10"
        )
        set_cell(book, "survey", "bought_kg", "constraint_message::中文 (zh)", "购膜量过大")
        set_cell(book, "survey", "bought_kg", "constraint_message::English (en)", "Too much")

    definition, errors = imported(edit(exported("film"), change))
    assert errors == []
    bought = next(r for r in definition["survey"] if r["name"] == "bought_kg")
    assert (bought["min"], "max" in bought) == (0, False)
    assert bought["constraint"] == ". <= 5 * ${mulched_mu} + 10"
    assert bought["constraint_message"] == {"zh": "购膜量过大", "en": "Too much"}


def survey_row(name: str) -> int:
    book = openpyxl.load_workbook(io.BytesIO(exported("film")))
    return row_of(book["survey"], name)


def rezipped(data: bytes, extra: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        for name, content in extra.items():
            dst.writestr(name, content)
    return out.getvalue()


RECOVERED = survey_row("recovered_t")  # row 5: header, mulched_mu, bought_kg, used_t, recovered_t


def _formula(book):
    set_cell(book, "survey", "recovered_t", "label::中文 (zh)", "=A1&B1")


def _hidden(book):
    book["choices"].sheet_state = "hidden"


def _merged(book):
    book["survey"].merge_cells("C2:D2")


def _duplicate(book):
    set_cell(book, "survey", "recovered_t", "name", "used_t")


def _unknown_type(book):
    set_cell(book, "survey", "recovered_t", "type", "geopoint")


def _missing_language_column(book):
    ws = book["survey"]
    ws.delete_cols(column(ws, "label::English (en)"))


def _missing_language_cell(book):
    set_cell(book, "survey", "recovered_t", "label::English (en)", None)


def _missing_list(book):
    set_cell(book, "survey", "recovered_t", "type", "select_one modes")


def _unknown_field(book):
    set_cell(book, "survey", "recovered_t", "constraint", ". <= ${used_tt}")


def _may_be_zero(book):
    set_cell(book, "survey", "recovered_t", "constraint", ". div ${used_t} <= 1")


def _not_xpath(book):
    set_cell(book, "survey", "recovered_t", "constraint", "string-length(.) > 3")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_formula, [f"survey 第 {RECOVERED} 行 C 列: 单元格含公式，请只填值"]),
        (_hidden, ["choices: 隐藏的工作表"]),
        (_merged, ["survey 第 2 行 C 列: 合并单元格 C2:D2"]),
        (_duplicate, [f"survey 第 {RECOVERED} 行 name 列: 字段名与第 {RECOVERED - 1} 行重复"]),
        (
            _unknown_type,
            [
                f"survey 第 {RECOVERED} 行 type 列: 不支持的类型 'geopoint'"
                "（可用：integer, decimal, text, select_one LIST, select_one yes_no）"
            ],
        ),
        (
            _missing_language_column,
            ["survey 第 1 行 label::English (en) 列: 缺少此列（两种语言都要有）"],
        ),
        (
            _missing_language_cell,
            [f"survey 第 {RECOVERED} 行 label::English (en) 列: 缺少这种语言的文字"],
        ),
        (_missing_list, [f"survey 第 {RECOVERED} 行 type 列: choices 表中没有列表 modes"]),
        (_unknown_field, [f"survey 第 {RECOVERED} 行 constraint 列: 未知字段 ${{used_tt}}"]),
        (_may_be_zero, [f"survey 第 {RECOVERED} 行 constraint 列: 除数 ${{used_t}} 可能为零"]),
        (
            _not_xpath,
            [f"survey 第 {RECOVERED} 行 constraint 列: 第 1 个字符处：不支持“string-length”"],
        ),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_a_bad_workbook_is_refused_where_it_is_wrong(change, expected):
    assert messages(edit(exported("film"), change)) == expected


def test_the_english_names_the_same_place():
    assert messages(edit(exported("film"), _unknown_field), lang="en") == [
        f"survey row {RECOVERED} column constraint: unknown field ${{used_tt}}"
    ]


def test_every_error_is_reported_not_only_the_first():
    def change(book):
        _unknown_type(book)
        set_cell(book, "survey", "used_t", "required", "maybe")
        add_question(book, "recovered_t", {**NEW_QUESTION, "label::English (en)": None})

    found = messages(edit(exported("film"), change), lang="en")
    assert found == [
        f"survey row {RECOVERED - 1} column required: must be yes or no",
        f"survey row {RECOVERED} column type: unknown type 'geopoint'",
        f"survey row {RECOVERED + 1} column label::English (en): "
        "the text in this language is missing",
    ]


def bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", b"<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
            "film.xls",
            "不支持旧版 .xls，请另存为 .xlsx",
        ),
        (exported("film"), "film.xlsm", "不接受含宏的工作簿，请另存为 .xlsx"),
        (
            rezipped(exported("film"), {"xl/vbaProject.bin": b"\0" * 64}),
            "film.xlsx",
            "不接受含宏的工作簿，请另存为 .xlsx",
        ),
        (
            rezipped(exported("film"), {"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}),
            "film.xlsx",
            "工作簿含外部链接，请删除后再上传",
        ),
        (bomb(), "film.xlsx", "解压后体积异常（疑似压缩炸弹）"),
        (b"PK\x03\x04 not really a zip", "film.xlsx", "文件已损坏，无法打开"),
        (b"name,type\n", "film.xlsx", "不是 .xlsx 工作簿"),
        (b"\0" * (3 * 1024 * 1024), "film.xlsx", "文件超过 2 MB"),
    ],
    ids=["xls", "xlsm-name", "vba-inside", "external-link", "zip-bomb", "broken-zip", "csv", "3MB"],
)
def test_a_file_that_is_not_a_plain_workbook_is_refused_before_it_is_opened(
    data, filename, expected
):
    assert messages(data, filename=filename) == [f"workbook: {expected}"]


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_the_round_trip_gives_the_files_very_definition(form_id):
    """The same canonical JSON, so the same SHA-256 as the file's published version."""
    definition, _ = imported(exported(form_id), form_id)
    ours = form_from_data(definition, "workbook", form_id)
    theirs = load_form(ROOT / "forms" / f"{form_id}.json")
    assert ours.sha256 == theirs.sha256
    assert json.loads(ours.definition) == json.loads(theirs.definition)
