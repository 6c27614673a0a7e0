"""The export writers, without an app: hand-made roll-up results in, bytes out, read back."""

import csv
import io
import zipfile
from types import SimpleNamespace

from openpyxl import load_workbook

from app.exports import tables as exports

WORDS = exports.Words(
    code="代码",
    name="名称",
    township="乡镇",
    villages_total="村数",
    villages_reported="已报村数",
    numerator="分子",
    denominator="分母",
    rate="比率",
    target="目标",
    status="状态",
    status_labels={
        "meets": "达标",
        "near": "接近",
        "behind": "落后",
        "no_data": "无数据",
        "no_target": "无目标",
        "not_counted": "不计入此项指标",
    },
)
INDICATORS = [("manure_utilisation", "畜禽粪污综合利用率"), ("film_recovery", "农膜回收率")]


def result(numerator, denominator, rate, target, status):
    return SimpleNamespace(
        numerator=numerator,
        denominator=denominator,
        rate=rate,
        target=target,
        status=status,
        villages_reported=1,
    )


def units():
    # 粪污 150/200 = 0.75 vs 0.80 → near (5 points below); film no data.
    hostile = SimpleNamespace(
        code="140225101201",
        name='=HYPERLINK("http://x","点我")',
        level="village",
        villages_total=1,
        villages_reported=1,
        indicators={
            "manure_utilisation": result(150.0, 200.0, 0.75, 0.8, "near"),
            "film_recovery": result(0.0, 0.0, None, 0.4, "no_data"),
        },
    )
    # 粪污 1234.56/1500 = 0.82304 → 82.3 %, shown amounts 1234.6 and 1500.
    plain = SimpleNamespace(
        code="140225101202",
        name="东村",
        level="village",
        villages_total=1,
        villages_reported=1,
        indicators={
            "manure_utilisation": result(1234.56, 1500.0, 1234.56 / 1500, 0.8, "meets"),
            "film_recovery": result(3.0, 10.0, 0.3, 0.4, "behind"),
        },
    )
    return [hostile, plain]


def test_table_holds_numerators_denominators_rates_targets_and_status():
    header, rows = exports.table(
        units(), INDICATORS, WORDS, township_names={"140225101202": "永安镇"}
    )
    assert header[:5] == ["代码", "名称", "乡镇", "已报村数", "村数"]
    assert header[5:10] == [
        "畜禽粪污综合利用率 · 分子",
        "畜禽粪污综合利用率 · 分母",
        "畜禽粪污综合利用率 · 比率 (%)",
        "畜禽粪污综合利用率 · 目标 (%)",
        "畜禽粪污综合利用率 · 状态",
    ]
    assert rows[0][5:15] == [150, 200, 75.0, 80.0, "接近", 0, 0, None, 40.0, "无数据"]
    assert rows[1][2] == "永安镇"
    assert rows[1][5:15] == [1234.6, 1500, 82.3, 80.0, "达标", 3, 10, 30.0, 40.0, "落后"]


def test_csv_has_bom_chinese_and_neutralises_formulas():
    header, rows = exports.table(units(), INDICATORS, WORDS)
    data = exports.write_csv(header, rows)
    assert data.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert parsed[0][0] == "代码"
    assert parsed[1][1] == '\'=HYPERLINK("http://x","点我")'
    assert parsed[2][1] == "东村"
    assert parsed[2][4:9] == ["1234.6", "1500", "82.3", "80.0", "达标"]


def test_every_trigger_character_is_guarded_in_csv():
    for text in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]:
        assert exports.csv_cell(text) == "'" + text
    assert exports.csv_cell("东村-1") == "东村-1"  # only a leading trigger matters
    assert exports.csv_cell(-5) == "-5"  # numbers stay numbers


def test_xlsx_keeps_numbers_and_stores_hostile_text_as_text():
    header, rows = exports.table(units(), INDICATORS, WORDS)
    data = exports.write_xlsx(header, rows, "乡镇/村 2026Q4")
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "乡镇_村 2026Q4" and sheet.freeze_panes == "C2"
    assert [c.value for c in sheet[1]] == header and all(c.font.b for c in sheet[1])
    hostile, plain = list(sheet.iter_rows(min_row=2, values_only=True))
    # 150/200 = 75.0 % vs 80 % → near; film 0/0 → no rate (an empty cell), target 40 %.
    assert hostile == (
        "140225101201",
        '=HYPERLINK("http://x","点我")',
        1, 1, 150, 200, 75.0, 80.0, "接近", 0, 0, None, 40.0, "无数据",
    )  # fmt: skip
    # 1234.56/1500 = 82.304 % → 82.3; amounts shown 1234.6 and 1500; film 3/10 = 30 %.
    assert plain == (
        "140225101202", "东村", 1, 1, 1234.6, 1500, 82.3, 80.0, "达标", 3, 10, 30.0, 40.0, "落后",
    )  # fmt: skip
    assert [type(v) for v in plain[2:8]] == [int, int, float, int, float, float]
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.quotePrefix and not cell.font.b
    assert not sheet.cell(row=3, column=2).quotePrefix


def test_xlsx_streams_before_the_rows_are_made():
    """The first chunk leaves before `rows` is asked for: at province size the rows wait on
    the village roll-up."""

    def rows_made_late():
        assert first_chunk_left, "a row was asked for before the first chunk left"
        yield from exports.rows(many_units(3), INDICATORS, WORDS)

    first_chunk_left = False
    chunks = exports.iter_xlsx(exports.header(INDICATORS, WORDS), rows_made_late(), "村")
    first = next(chunks)
    first_chunk_left = True
    sheet = load_workbook(io.BytesIO(first + b"".join(chunks))).active
    assert [c.value for c in sheet[4]][:9] == [
        "140225101002",
        "村2",
        1,
        1,
        150,
        200,
        75,
        80,
        "接近",
    ]


def many_units(count):
    # Every unit: 粪污 150/200 = 75.0 % vs 80 % → near; no film figure (the indicator does not
    # count the unit's kind, as a community on a rural indicator) → empty cells, not counted.
    return (
        SimpleNamespace(
            code=f"140225101{n:03d}",
            name=f"村{n}",
            villages_total=1,
            villages_reported=1,
            indicators={"manure_utilisation": result(150.0, 200.0, 0.75, 0.8, "near")},
        )
        for n in range(count)
    )


def test_csv_streams_in_chunks_with_one_bom_and_the_same_figures():
    # 450 rows at 200 a chunk: header chunk, 200, 200, and a tail of 50 → 4 chunks.
    chunks = list(
        exports.iter_csv(
            exports.header(INDICATORS, WORDS), exports.rows(many_units(450), INDICATORS, WORDS)
        )
    )
    assert len(chunks) == 4
    assert chunks[0].startswith(b"\xef\xbb\xbf") and b"\xef\xbb\xbf" not in b"".join(chunks[1:])
    parsed = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert len(parsed) == 451
    assert parsed[450][:2] == ["140225101449", "村449"]
    assert parsed[450][4:14] == [
        "150",
        "200",
        "75.0",
        "80.0",
        "接近",
        "",
        "",
        "",
        "",
        "不计入此项指标",
    ]
