"""Every validation rule of the inspection schema (app/formdefs/build.py), through
POST /api/v1/inspections, with its Chinese and its English message, and proof that a refused
submission stores nothing.

The county's clock is fixed at 12:00 on 28 Nov 2026 in Hunyuan (04:00 UTC). One seeded database
per engine serves the whole module (see tests/api_payloads.py): nothing here may store a row,
and every test counts the rows to prove it.
"""

import json

import pytest

from tests.api_payloads import (
    DATABASES,
    DROP,
    INSPECTOR_TOWNSHIP,
    NO_ROWS,
    PG_URL,
    add_user,
    bearer,
    build_seeded_app,
    changed,
    dispose,
    row_counts,
    valid_payload,
)


@pytest.fixture(scope="module", params=DATABASES)
def api(request, tmp_path_factory):
    """(app, client, {"zh": headers, "en": headers}) for an inspector of 西坊城镇."""
    if request.param == "postgresql":
        request.getfixturevalue("pg_ready")
    app = build_seeded_app(request.param, PG_URL, tmp_path_factory.mktemp("validation"))
    inspector = add_user(app, "inspector", INSPECTOR_TOWNSHIP)
    token = bearer(app, inspector)
    headers = {lang: {**token, "Accept-Language": lang} for lang in ("zh", "en")}
    yield app, app.test_client(), headers
    dispose(app)


def post(api, payload, lang):
    _app, client, headers = api
    return client.post("/api/v1/inspections", json=payload, headers=headers[lang])


UNSTORABLE_ZH = "含有无法保存的字符（如 NUL 或不成对的代理字符）"
UNSTORABLE_EN = "Contains a character that cannot be stored (NUL or an unpaired surrogate)"

# (id, dotted path to change, new value or DROP, error path, Chinese message, English message)
RULES = [
    # required
    (
        "uuid required",
        "client_uuid",
        DROP,
        "client_uuid",
        "“提交编号”为必填项",
        "Submission ID is required",
    ),
    (
        "village required",
        "village_code",
        DROP,
        "village_code",
        "“村庄”为必填项",
        "Village is required",
    ),
    (
        "date required",
        "inspected_on",
        DROP,
        "inspected_on",
        "“检查日期”为必填项",
        "Date inspected is required",
    ),
    (
        "households required",
        "households",
        DROP,
        "households",
        "“户数”为必填项",
        "Households is required",
    ),
    (
        "sections required",
        "sections",
        DROP,
        "sections",
        "“检查部分”为必填项",
        "Sections is required",
    ),
    (
        "straw produced required",
        "sections.straw.produced_t",
        DROP,
        "sections.straw.produced_t",
        # a calculated field: required unless the areas and yields it is estimated from are given
        "“秸秆可收集量”为必填项：请填写实测值，或填写用于估算的数量",
        "Collectable straw is required: enter a measured figure, or the counts to estimate it from",
    ),
    (
        "treatment mode required",
        "sections.sewage.treatment_mode",
        DROP,
        "sections.sewage.treatment_mode",
        "“主要处理方式”为必填项",
        "Main treatment mode is required",
    ),
    (
        "coal required",
        "sections.heating.coal",
        DROP,
        "sections.heating.coal",
        "“散煤取暖”为必填项",
        "Loose coal is required",
    ),
    (
        "latitude required",
        "location.lat",
        DROP,
        "location.lat",
        "“纬度”为必填项",
        "Latitude is required",
    ),
    # a blank answer in a section is "not answered", so a required one says so
    (
        "blank answer is unanswered",
        "sections.manure.produced_t",
        "",
        "sections.manure.produced_t",
        "“粪污产生量”为必填项：请填写实测值，或填写用于估算的数量",
        "Manure produced is required: enter a measured figure, or the counts to estimate it from",
    ),
    (
        "null answer is unanswered",
        "sections.manure.produced_t",
        None,
        "sections.manure.produced_t",
        "“粪污产生量”为必填项：请填写实测值，或填写用于估算的数量",
        "Manure produced is required: enter a measured figure, or the counts to estimate it from",
    ),
    # null where a value is needed
    (
        "households null",
        "households",
        None,
        "households",
        "“户数”不能为空",
        "Households cannot be empty",
    ),
    ("notes null", "notes", None, "notes", "“备注”不能为空", "Notes cannot be empty"),
    (
        "uuid null",
        "client_uuid",
        None,
        "client_uuid",
        "“提交编号”不能为空",
        "Submission ID cannot be empty",
    ),
    (
        "section null",
        "sections.sewage",
        None,
        "sections.sewage",
        "“生活污水”不能为空",
        "Domestic sewage cannot be empty",
    ),
    # wrong types
    (
        "households text",
        "households",
        "many",
        "households",
        "“户数”须为整数",
        "Households must be a whole number",
    ),
    (
        "households boolean",
        "households",
        True,
        "households",
        "“户数”须为整数",
        "Households must be a whole number",
    ),
    (
        "decimal text",
        "sections.manure.produced_t",
        "lots",
        "sections.manure.produced_t",
        "“粪污产生量”须为数字",
        "Manure produced must be a number",
    ),
    (
        "decimal boolean",
        "sections.manure.utilised_t",
        True,
        "sections.manure.utilised_t",
        "“粪污资源化利用量”须为数字",
        "Manure utilised must be a number",
    ),
    (
        "decimal list",
        "sections.film.used_t",
        [10],
        "sections.film.used_t",
        "“农膜使用量”须为数字",
        "Film used must be a number",
    ),
    (
        "village number",
        "village_code",
        140225101200,
        "village_code",
        "“村庄”须为文字",
        "Village must be text",
    ),
    ("notes number", "notes", 5, "notes", "“备注”须为文字", "Notes must be text"),
    (
        "choice number",
        "sections.sewage.treatment_mode",
        3,
        "sections.sewage.treatment_mode",
        "“主要处理方式”须为文字",
        "Main treatment mode must be text",
    ),
    (
        "latitude text",
        "location.lat",
        "north",
        "location.lat",
        "“纬度”须为数字",
        "Latitude must be a number",
    ),
    (
        "sections not an object",
        "sections",
        "all",
        "sections",
        "须为 JSON 对象",
        "Must be a JSON object",
    ),
    (
        "section not an object",
        "sections.straw",
        [1, 2],
        "sections.straw",
        "须为 JSON 对象",
        "Must be a JSON object",
    ),
    (
        "location not an object",
        "location",
        "here",
        "location",
        "须为 JSON 对象",
        "Must be a JSON object",
    ),
    # integers with fractions are refused, never truncated
    (
        "households fraction",
        "households",
        120.5,
        "households",
        "“户数”须为整数",
        "Households must be a whole number",
    ),
    (
        "heating fraction",
        "sections.heating.gas",
        10.5,
        "sections.heating.gas",
        "“气代煤”须为整数",
        "Gas heating must be a whole number",
    ),
    (
        "fraction as text",
        "sections.sewage.households_treated",
        "3.5",
        "sections.sewage.households_treated",
        "“污水得到处理的户数”须为整数",
        "Households whose sewage is treated must be a whole number",
    ),
    (
        "exponent as text",
        "households",
        "1e2",
        "households",
        "“户数”须为整数",
        "Households must be a whole number",
    ),
    # negative numbers and bounds
    (
        "households negative",
        "households",
        -1,
        "households",
        "“户数”须在 0 到 100000 之间",
        "Households must be between 0 and 100000",
    ),
    (
        "manure negative",
        "sections.manure.produced_t",
        -0.5,
        "sections.manure.produced_t",
        "“粪污产生量”须在 0 到 10000000 之间",
        "Manure produced must be between 0 and 10000000",
    ),
    (
        "straw route negative",
        "sections.straw.feed_t",
        -1,
        "sections.straw.feed_t",
        "“饲料化利用”须在 0 到 10000000 之间",
        "Used as feed must be between 0 and 10000000",
    ),
    (
        "heating negative",
        "sections.heating.coal",
        -3,
        "sections.heating.coal",
        "“散煤取暖”须在 0 到 100000 之间",
        "Loose coal must be between 0 and 100000",
    ),
    (
        "households too many",
        "households",
        100001,
        "households",
        "“户数”须在 0 到 100000 之间",
        "Households must be between 0 and 100000",
    ),
    (
        "film too much",
        "sections.film.used_t",
        1000000.5,
        "sections.film.used_t",
        "“农膜使用量”须在 0 到 1000000 之间",
        "Film used must be between 0 and 1000000",
    ),
    (
        "latitude beyond pole",
        "location.lat",
        90.5,
        "location.lat",
        "“纬度”须在 -90 到 90 之间",
        "Latitude must be between -90 and 90",
    ),
    (
        "longitude beyond",
        "location.lon",
        -181,
        "location.lon",
        "“经度”须在 -180 到 180 之间",
        "Longitude must be between -180 and 180",
    ),
    (
        "accuracy negative",
        "location.accuracy_m",
        -1,
        "location.accuracy_m",
        "“定位精度”须在 0 到 100000 之间",
        "Accuracy must be between 0 and 100000",
    ),
    # choices and booleans
    (
        "bad choice",
        "sections.sewage.treatment_mode",
        "river",
        "sections.sewage.treatment_mode",
        "“主要处理方式”的选项无效",
        "Main treatment mode: not one of the choices",
    ),
    (
        "bad boolean word",
        "sections.sewage.facility_running",
        "maybe",
        "sections.sewage.facility_running",
        "“处理设施是否正常运行”须为“是”或“否”",
        "Is the facility running? must be yes or no",
    ),
    (
        "bad boolean number",
        "sections.sewage.facility_running",
        2,
        "sections.sewage.facility_running",
        "“处理设施是否正常运行”须为“是”或“否”",
        "Is the facility running? must be yes or no",
    ),
    # identifiers
    (
        "bad uuid",
        "client_uuid",
        "not-a-uuid",
        "client_uuid",
        "“提交编号”须为 UUID",
        "Submission ID must be a UUID",
    ),
    (
        "uuid number",
        "client_uuid",
        12345,
        "client_uuid",
        "“提交编号”须为 UUID",
        "Submission ID must be a UUID",
    ),
    (
        "village 11 digits",
        "village_code",
        "14022510120",
        "village_code",
        "“村庄”须为 12 位区划代码",
        "Village must be a 12-digit division code",
    ),
    (
        "village letters",
        "village_code",
        "14022510120x",
        "village_code",
        "“村庄”须为 12 位区划代码",
        "Village must be a 12-digit division code",
    ),
    # dates: the clock says 2026-11-28 in Hunyuan
    (
        "future date",
        "inspected_on",
        "2026-11-29",
        "inspected_on",
        "“检查日期”不能晚于今天（2026-11-28）",
        "Date inspected cannot be after today (2026-11-28)",
    ),
    (
        "before 2020",
        "inspected_on",
        "2019-12-31",
        "inspected_on",
        "“检查日期”不能早于 2020-01-01",
        "Date inspected cannot be before 2020-01-01",
    ),
    (
        "not a date",
        "inspected_on",
        "20/11/2026",
        "inspected_on",
        "“检查日期”须为日期（年-月-日）",
        "Date inspected must be a date (YYYY-MM-DD)",
    ),
    (
        "no such day",
        "inspected_on",
        "2026-02-30",
        "inspected_on",
        "“检查日期”须为日期（年-月-日）",
        "Date inspected must be a date (YYYY-MM-DD)",
    ),
    (
        "date without dashes",
        "inspected_on",
        "20261120",
        "inspected_on",
        "“检查日期”须为日期（年-月-日）",
        "Date inspected must be a date (YYYY-MM-DD)",
    ),
    (
        "week date",
        "inspected_on",
        "2026-W47-5",
        "inspected_on",
        "“检查日期”须为日期（年-月-日）",
        "Date inspected must be a date (YYYY-MM-DD)",
    ),
    (
        "date as a number",
        "inspected_on",
        20261120,
        "inspected_on",
        "“检查日期”须为日期（年-月-日）",
        "Date inspected must be a date (YYYY-MM-DD)",
    ),
    # text length
    (
        "notes too long",
        "notes",
        "污" * 2001,
        "notes",
        "“备注”最多 2000 个字",
        "Notes can have at most 2000 characters",
    ),
    # characters no database stores: NUL (PostgreSQL text) and lone surrogates (UTF-8)
    ("NUL in notes", "notes", "a\x00b", "notes", UNSTORABLE_ZH, UNSTORABLE_EN),
    ("lone surrogate in notes", "notes", "a\ud800", "notes", UNSTORABLE_ZH, UNSTORABLE_EN),
    ("NUL in a key", "sections.straw.feed\x00", 1, "sections.straw", UNSTORABLE_ZH, UNSTORABLE_EN),
    # \d would take other scripts' digits: ١٤٠٢٢٥١٠١٢٠٠ is not a division code
    (
        "village in Arabic-Indic digits",
        "village_code",
        "١٤٠٢٢٥١٠١٢٠٠",
        "village_code",
        "“村庄”须为 12 位区划代码",
        "Village must be a 12-digit division code",
    ),
    # unknown fields, at the top, in a section, in the location; an unknown section
    ("unknown top-level", "colour", "red", "colour", "未知字段", "Unknown field"),
    (
        "unknown in a section",
        "sections.straw.colour",
        "red",
        "sections.straw.colour",
        "未知字段",
        "Unknown field",
    ),
    (
        "unknown section",
        "sections.lighting",
        {"lamps": 3},
        "sections.lighting",
        "未知字段",
        "Unknown field",
    ),
    (
        "unknown in location",
        "location.altitude",
        1050,
        "location.altitude",
        "未知字段",
        "Unknown field",
    ),
    # no section at all
    (
        "empty sections",
        "sections",
        {},
        "sections",
        "至少填写一个检查部分",
        "Fill in at least one section",
    ),
    # cross-field constraints, each reported on its own field
    # straw: 501 + 200 + 100 + 50 + 50 = 901 ≤ 1000 is fine, so push it over: 601 → 1001
    (
        "straw routes over produced",
        "sections.straw.fertiliser_t",
        601.0,
        "sections.straw.fertiliser_t",
        "五种利用途径与直接还田合计不能超过可收集量（1000 吨）",
        "The five uses and direct return together cannot exceed the collectable straw (1000 t)",
    ),
    # heating: 0 + 40 + 10 + 5 + 5 + 61 = 121 > 120 households
    (
        "heating over households",
        "sections.heating.coal",
        61,
        "sections.heating.central",
        "各类取暖户数合计不能超过本村户数（120）；您填写的合计为 121",
        "Households by heating type together cannot exceed the village's households (120)"
        "; the figures entered add up to 121",
    ),
    # fewer households: heating's 120 > 100 (sewage's 30 still fits)
    (
        "households below heating",
        "households",
        100,
        "sections.heating.central",
        "各类取暖户数合计不能超过本村户数（100）；您填写的合计为 120",
        "Households by heating type together cannot exceed the village's households (100)"
        "; the figures entered add up to 120",
    ),
    (
        "sewage over households",
        "sections.sewage.households_treated",
        121,
        "sections.sewage.households_treated",
        "污水处理户数不能超过本村户数（120）",
        "Households treated cannot exceed the village's households (120)",
    ),
    (
        "manure utilised over produced",
        "sections.manure.utilised_t",
        500.5,
        "sections.manure.utilised_t",
        "利用量不能超过产生量（500 吨）",
        "Manure utilised cannot exceed manure produced (500 t)",
    ),
    (
        "film recovered over used",
        "sections.film.recovered_t",
        10.25,
        "sections.film.recovered_t",
        "回收量不能超过使用量（10 吨）",
        "Film recovered cannot exceed film used (10 t)",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "error_path", "zh", "en"),
    [pytest.param(*row[1:], id=row[0]) for row in RULES],
)
def test_rule_refuses_with_its_message_in_both_languages(api, path, value, error_path, zh, en):
    payload = changed(valid_payload(), path, value)
    for lang, expected in (("zh", zh), ("en", en)):
        response = post(api, payload, lang)
        assert response.status_code == 422, response.get_json()
        assert response.get_json() == {"errors": {error_path: [expected]}}
    assert row_counts(api[0]) == NO_ROWS


def test_all_errors_are_reported_together(api):
    payload = changed(changed(valid_payload(), "households", -1), "sections.straw.feed_t", "x")
    response = post(api, payload, "en")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "households": ["Households must be between 0 and 100000"],
        "sections.straw.feed_t": ["Used as feed must be a number"],
    }
    assert row_counts(api[0]) == NO_ROWS


def test_body_that_is_not_an_object(api):
    for body, lang, text in (([], "zh", "须为 JSON 对象"), ("x", "en", "Must be a JSON object")):
        response = post(api, body, lang)
        assert response.status_code == 422
        assert response.get_json() == {"errors": {"_schema": [text]}}
    assert row_counts(api[0]) == NO_ROWS


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_malformed_json(api, constant):
    _app, client, headers = api
    # The JSON text is written by hand: NaN is not JSON, and json.dumps would write it anyway.
    body = json.dumps(valid_payload()).replace('"produced_t": 500.0', f'"produced_t": {constant}')
    assert constant in body
    for lang, text in (
        ("zh", "请求内容不是有效的 JSON"),
        ("en", "The request body is not valid JSON"),
    ):
        response = client.post(
            "/api/v1/inspections",
            data=body,
            headers={**headers[lang], "Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert response.get_json() == {"error": {"code": "malformed_json", "message": text}}
    assert row_counts(api[0]) == NO_ROWS


@pytest.mark.parametrize(
    ("old", "path", "zh", "en"),
    [
        (
            '"households": 120',
            "households",
            "“户数”须为有限的数字",
            "Households must be a finite number",
        ),
        (
            '"used_t": 10.0',
            "sections.film.used_t",
            "“农膜使用量”须为有限的数字",
            "Film used must be a finite number",
        ),
    ],
)
def test_a_number_too_big_for_a_double_is_refused(api, old, path, zh, en):
    # 1e400 is valid JSON but overflows to infinity when parsed.
    _app, client, headers = api
    body = json.dumps(valid_payload()).replace(old, old.split(":")[0] + ": 1e400")
    for lang, text in (("zh", zh), ("en", en)):
        response = client.post(
            "/api/v1/inspections",
            data=body,
            headers={**headers[lang], "Content-Type": "application/json"},
        )
        assert response.status_code == 422
        assert response.get_json() == {"errors": {path: [text]}}
    assert row_counts(api[0]) == NO_ROWS


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ("{", "application/json", 400, "malformed_json"),
        ("[" * 100_000 + "]" * 100_000, "application/json", 400, "malformed_json"),
        ("\xff", "application/json", 400, "malformed_json"),
        ("households=1", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ],
)
def test_unreadable_bodies(api, body, content_type, status, code):
    _app, client, headers = api
    response = client.post(
        "/api/v1/inspections",
        data=body.encode("latin-1"),
        headers={**headers["en"], "Content-Type": content_type},
    )
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert row_counts(api[0]) == NO_ROWS


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        (None, "“户数”为必填项"),  # no header: Chinese
        ("fr-FR,fr;q=0.9", "“户数”为必填项"),  # neither language: Chinese
        ("en-US,en;q=0.9", "Households is required"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "“户数”为必填项"),
        ("de;q=0.9,en-GB;q=0.5", "Households is required"),
    ],
)
def test_language_follows_accept_language(api, accept_language, expected):
    _app, client, headers = api
    request_headers = {"Authorization": headers["zh"]["Authorization"]}
    if accept_language:
        request_headers["Accept-Language"] = accept_language
    response = client.post(
        "/api/v1/inspections",
        json=changed(valid_payload(), "households", DROP),
        headers=request_headers,
    )
    assert response.get_json() == {"errors": {"households": [expected]}}
