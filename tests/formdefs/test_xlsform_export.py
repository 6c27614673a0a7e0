"""Issue 22, export: every shipped form's workbook is valid XLSForm (pyxform converts it), and
it says what the form file says, in XLSForm's columns."""

import io
import json

import openpyxl
import pytest
from pyxform.xls2xform import convert

from app.formdefs.xlsform_sheets import sheets
from app.formdefs.xlsform_workbook import workbook_bytes
from tests.paths import ROOT

FORM_IDS = sorted(p.stem for p in (ROOT / "forms").glob("*.json") if p.stem != "indicators")
INDICATORS = json.loads((ROOT / "forms" / "indicators.json").read_text())["indicators"]


def definition(form_id: str) -> dict:
    return json.loads((ROOT / "forms" / f"{form_id}.json").read_text())


def rows_by_name(book, sheet="survey") -> dict[str, dict]:
    rows = list(book[sheet].iter_rows(values_only=True))
    header = rows[0]
    return {r[1]: dict(zip(header, r, strict=True)) for r in rows[1:]}


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_pyxform_converts_every_shipped_form(form_id, tmp_path):
    data = workbook_bytes(sheets(definition(form_id), INDICATORS))
    path = tmp_path / f"{form_id}.xlsx"
    path.write_bytes(data)
    result = convert(xlsform=str(path), validate=False)
    assert f'<data id="{form_id}"' in result.xform
    version = definition(form_id)["settings"]["version"]
    assert f'version="{version}"' in result.xform
    # every field of the form is a question of the XForm
    for row in definition(form_id)["survey"]:
        assert f'nodeset="/data/{row["name"]}"' in result.xform


def test_film_in_xlsform_columns():
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(sheets(definition("film")))))
    assert book.sheetnames == ["survey", "choices", "settings"]
    survey = rows_by_name(book)
    recovered = survey["recovered_t"]
    assert recovered["type"] == "decimal"
    assert recovered["label::中文 (zh)"] == "农膜回收量"
    assert recovered["label::English (en)"] == "Film recovered"
    assert recovered["required"] == "yes"
    assert recovered["constraint"] == ". >= 0 and . <= 1000000 and . <= ${used_t}"
    assert recovered["constraint_message::中文 (zh)"] == "回收量不能超过使用量（{limit} 吨）"
    assert recovered["cunjian_rule"] == "recovered_within_used"
    assert recovered["unit::English (en)"] == "t"
    assert survey["used_t"]["calculation"] == (
        "coalesce(0.001 * ${bought_kg}, 0.001 * ${mulched_mu} * coef('film.kg_per_mu'))"
    )
    assert survey["mulched_mu"]["required"] == "no"
    assert survey["mulched_mu"]["calculation"] is None
    settings = list(book["settings"].iter_rows(values_only=True))
    assert settings[1][:4] == ("农用薄膜", "film", "2026.3", "中文 (zh)")


def test_profile_limit_booleans_and_indicators():
    book = openpyxl.load_workbook(
        io.BytesIO(workbook_bytes(sheets(definition("heating"), INDICATORS)))
    )
    central = rows_by_name(book)["central"]
    assert central["constraint"].endswith(
        ". + ${electric} + ${gas} + ${biomass} + ${other_clean} + ${coal} <= profile('households')"
    )
    sewage = openpyxl.load_workbook(
        io.BytesIO(workbook_bytes(sheets(definition("sewage"), INDICATORS)))
    )
    assert rows_by_name(sewage)["facility_running"]["type"] == "select_one yes_no"
    yes_no = [r for r in sewage["choices"].iter_rows(values_only=True) if r[0] == "yes_no"]
    assert yes_no == [("yes_no", "yes", "是", "Yes"), ("yes_no", "no", "否", "No")]
    keys = [r[0] for r in sewage["cunjian_indicators"].iter_rows(values_only=True)][1:]
    assert keys == ["sewage_treatment", "sewage_villages"]


def test_a_label_that_looks_like_a_formula_stays_text():
    form = definition("film")
    form["survey"][0]["label"]["zh"] = '=HYPERLINK("http://x")'
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(sheets(form))))
    cell = book["survey"]["C2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")
