"""The HTML inspection form and the sign-in page through the test client, without JavaScript:
scope, errors beside their fields in both languages with the typed values kept, the stored
answers, a double post stored once, and every refusal."""

import re
import uuid
from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.formdefs.registry import current_forms
from app.models import Answer, Inspection

TOWNSHIP = "140225101"  # 西坊城镇: 11 villages in app/data/hunyuan_villages.csv
VILLAGE = "140225101200"  # 西坊城村委会
OTHER_TOWNSHIP_VILLAGE = "140225102200"  # 蔡村村委会, 蔡村镇
PASSWORD = "correct horse battery"


@pytest.fixture
def inspector(seeded, make_user, client):
    seeded.config["CLOCK"] = lambda: datetime(2026, 11, 28, 4, 0, tzinfo=UTC)  # 12:00 in Hunyuan
    make_user("inspector", township=TOWNSHIP, username="wang", password=PASSWORD)
    response = client.post("/login", data={"username": "wang", "password": PASSWORD})
    assert response.status_code == 302
    return client


def form_values(client_uuid, **changes):
    values = {
        "client_uuid": client_uuid,
        "inspected_on": "2026-11-02",
        "households": "300",
        "sections.sewage.households_treated": "120",
        "sections.sewage.treatment_mode": "septic_tank",
        "sections.sewage.facility_running": "true",
        "sections.straw.produced_t": "100",
        "sections.straw.fertiliser_t": "80",
        "sections.straw.feed_t": "20",
        "notes": "村东 <b>沟渠</b> 已清理",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def with_errors(client_uuid):
    # Three mistakes: households not a number; sewage without its households treated; straw
    # routes 80 + 30 = 110 t above the 100 t produced.
    return form_values(
        client_uuid,
        households="abc",
        **{"sections.sewage.households_treated": "", "sections.straw.feed_t": "30"},
    )


def inspections(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Inspection))


def assert_error_beside(html, name, message, value):
    """The message sits inside the field's block, before its input; the input points at it
    (aria-describedby, aria-invalid) and still holds the typed value."""
    block = html.index(f'id="field-{name}"')
    error = html.index(f'<p class="field-error" id="{name}-error">{message}</p>')
    tag = re.search(rf'<(input|select)[^>]*\bid="{re.escape(name)}"[^>]*>', html)
    assert tag, name
    assert block < error < tag.start()
    assert f"{name}-error" in re.search(r'aria-describedby="([^"]*)"', tag.group(0)).group(1)
    assert 'aria-invalid="true"' in tag.group(0)
    if value is not None:
        assert f'value="{value}"' in tag.group(0)


def test_inspector_sees_only_their_townships_villages(inspector):
    html = inspector.get("/inspect/").get_data(as_text=True)
    codes = re.findall(r'href="/inspect/(\d{12})"', html)
    # 西坊城镇's 11 villages, 140225101200 … 140225101210, and nothing of 蔡村镇.
    assert codes == [f"1402251012{n:02d}" for n in range(11)]
    assert "西坊城村委会" in html and "蔡村村委会" not in html


def test_county_admin_sees_every_village(seeded, make_user, client):
    make_user("county_admin", username="admin", password=PASSWORD)
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    codes = re.findall(r'href="/inspect/(\d{12})"', client.get("/inspect/").get_data(as_text=True))
    assert len(codes) == 224  # 213 villages + 11 communities


def test_form_page_is_chinese_labelled_and_carries_a_client_uuid(inspector, app):
    response = inspector.get(f"/inspect/{VILLAGE}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in html
    uuid.UUID(re.search(r'name="client_uuid" value="([^"]+)"', html).group(1))
    # The form's scripts (inspect.js first among them) in one content-named file.
    assert re.search(r'src="/inspect/code/[0-9a-f]{16}\.js"', html)
    assert "http" not in html.split("<body>")[1]
    # The body as written into the page (?plain=1, for a phone without JavaScript); the page of a
    # new inspection takes the same from the form's data file (test_form_weight.py).
    html = inspector.get(f"/inspect/{VILLAGE}?plain=1").get_data(as_text=True)
    assert (
        'id="inspected_on" name="inspected_on" type="date" min="2020-01-01" '
        'max="2026-11-28" value="2026-11-28"' in html
    )
    # one section a step: the profile, every section in its position, finish
    with inspector.application.app_context():
        sections = current_forms().form_set.sections
    assert re.findall(r'data-step="(\w+)"', html) == [
        "profile",
        *(s.form_id for s in sections),
        "finish",
    ]
    # every visible input, select and textarea has a <label for> (radios are labelled too)
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html)
    # date, households; each section's fields (a yes/no field is two radios); notes, lat, lon
    fields = sum(2 if f.type.html_input == "boolean" else 1 for s in sections for f in s.fields)
    assert len(ids) == 1 + 1 + fields + 3
    for input_id in ids:
        assert f'for="{input_id}"' in html, input_id
    assert "秸秆可收集量" in html and "（吨）" in html
    # The form's scripts (inspect.js first among them) in one content-named file.
    assert re.search(r'src="/inspect/code/[0-9a-f]{16}\.js"', html)
    assert "http" not in html.split("<body>")[1]


def test_errors_are_shown_beside_their_fields_in_chinese_and_nothing_is_stored(inspector, app):
    client_uuid = str(uuid.uuid4())
    response = inspector.post(f"/inspect/{VILLAGE}", data=with_errors(client_uuid))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert_error_beside(html, "households", "“户数”须为整数", "abc")
    assert_error_beside(
        html, "sections.sewage.households_treated", "“污水得到处理的户数”为必填项", ""
    )
    assert_error_beside(
        html,
        "sections.straw.fertiliser_t",
        "五种利用途径与直接还田合计不能超过可收集量（100 吨）",
        "80",
    )
    assert 'value="30"' in html and f'value="{client_uuid}"' in html  # typed values kept
    assert '<option value="septic_tank" selected>' in html
    assert (
        'id="sections.sewage.facility_running-true" '
        'name="sections.sewage.facility_running" value="true" checked' in html
    )
    assert "村东 &lt;b&gt;沟渠&lt;/b&gt; 已清理</textarea>" in html
    assert html.count('<li><a href="#field-') == 3  # the summary links to each field
    assert inspections(app) == 0


def test_errors_in_english_with_lang_en(inspector, app):
    response = inspector.post(f"/inspect/{VILLAGE}?lang=en", data=with_errors(str(uuid.uuid4())))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<html lang="en">' in html
    assert_error_beside(html, "households", "Households must be a whole number", "abc")
    assert_error_beside(
        html,
        "sections.sewage.households_treated",
        "Households whose sewage is treated is required",
        "",
    )
    assert_error_beside(
        html,
        "sections.straw.fertiliser_t",
        "The five uses and direct return together cannot exceed the collectable straw (100 t)",
        "80",
    )
    assert inspections(app) == 0


def test_a_fixed_post_is_stored_and_shown_with_labels(inspector, app):
    client_uuid = str(uuid.uuid4())
    assert inspector.post(f"/inspect/{VILLAGE}", data=with_errors(client_uuid)).status_code == 422
    response = inspector.post(f"/inspect/{VILLAGE}", data=form_values(client_uuid))
    assert response.status_code == 303
    with app.app_context():
        inspection = db.session.execute(db.select(Inspection)).scalar_one()
        assert response.location == f"/inspect/saved/{inspection.id}"
        assert (
            str(inspection.client_uuid),
            inspection.village.code,
            inspection.quarter,
            inspection.notes,
        ) == (client_uuid, VILLAGE, "2026Q4", "村东 <b>沟渠</b> 已清理")
        answers = {
            (a.section, a.field): a.value_num if a.value_text is None else a.value_text
            for a in db.session.execute(db.select(Answer)).scalars()
        }
    assert answers == {
        ("profile", "households"): 300,
        ("sewage", "households_treated"): 120,
        ("sewage", "treatment_mode"): "septic_tank",
        ("sewage", "facility_running"): 1,
        ("straw", "produced_t"): 100,
        ("straw", "fertiliser_t"): 80,
        ("straw", "feed_t"): 20,
    }
    html = inspector.get(response.location).get_data(as_text=True)
    for answer_id, shown in (
        ("profile-households", "300 户"),
        ("sewage-treatment_mode", "三格式化粪池等分散处理"),
        ("sewage-facility_running", "是"),
        ("straw-produced_t", '100 吨 <span class="basis basis-measured">实测</span>'),
        ("straw-fuel_t", "—"),
        ("notes", "村东 &lt;b&gt;沟渠&lt;/b&gt; 已清理"),
    ):
        assert re.search(rf'id="answer-{answer_id}"[^>]*>{shown}</dd>', html), answer_id
    assert "septic_tank" not in html and "True" not in html
    english = inspector.get(response.location + "?lang=en").get_data(as_text=True)
    assert 'id="answer-sewage-facility_running">Yes</dd>' in english
    assert (
        'id="answer-straw-produced_t" data-basis="measured">100 t '
        '<span class="basis basis-measured">measured</span></dd>'
    ) in english


def test_the_same_form_posted_twice_stores_one_inspection(inspector, app):
    values = form_values(str(uuid.uuid4()))
    first = inspector.post(f"/inspect/{VILLAGE}", data=values)
    second = inspector.post(f"/inspect/{VILLAGE}", data=values)
    assert (first.status_code, second.status_code) == (303, 303)
    assert first.location == second.location
    assert inspections(app) == 1


def test_another_townships_village_is_not_found(inspector, app):
    assert inspector.get(f"/inspect/{OTHER_TOWNSHIP_VILLAGE}").status_code == 404
    response = inspector.post(
        f"/inspect/{OTHER_TOWNSHIP_VILLAGE}", data=form_values(str(uuid.uuid4()))
    )
    assert response.status_code == 404
    assert inspections(app) == 0


@pytest.mark.parametrize("role", ["viewer", "township_lead"])
def test_roles_that_do_not_inspect_are_refused(seeded, make_user, client, role):
    make_user(
        role,
        township=TOWNSHIP if role == "township_lead" else None,
        username="li",
        password=PASSWORD,
    )
    client.post("/login", data={"username": "li", "password": PASSWORD})
    assert client.get("/inspect/").status_code == 403
    assert client.get(f"/inspect/{VILLAGE}").status_code == 403
    assert (
        client.post(f"/inspect/{VILLAGE}", data=form_values(str(uuid.uuid4()))).status_code == 403
    )


def test_anonymous_is_sent_to_login(seeded, client):
    for path in ("/inspect/", f"/inspect/{VILLAGE}"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.location.startswith("/login?next=")
        assert path in response.location.replace("%2F", "/")


def test_login_with_a_wrong_password(seeded, make_user, client):
    make_user("inspector", township=TOWNSHIP, username="wang", password=PASSWORD)
    response = client.post("/login", data={"username": "wang", "password": "wrong"})
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "用户名或密码错误" in html and 'value="wang"' in html
    english = client.post("/login?lang=en", data={"username": "wang", "password": "wrong"})
    assert "Wrong username or password" in english.get_data(as_text=True)
    assert client.get("/inspect/").status_code == 302  # still signed out


@pytest.mark.parametrize(
    ("next_url", "landing"),
    [
        ("/inspect/", "/inspect/"),
        ("//evil.example", "/"),
        ("//evil.example/inspect/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_login_next_accepts_only_same_site_paths(seeded, make_user, client, next_url, landing):
    make_user("county_admin", username="admin", password=PASSWORD)
    response = client.post(
        "/login", query_string={"next": next_url}, data={"username": "admin", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.location == landing


def test_language_switch_keeps_next(seeded, client):
    html = client.get("/login?next=/inspect/").get_data(as_text=True)
    assert 'href="/login?next=%2Finspect%2F&amp;lang=en"' in html


def test_the_same_form_with_changed_answers_is_a_conflict(inspector, app):
    values = form_values(str(uuid.uuid4()))
    saved = inspector.post(f"/inspect/{VILLAGE}", data=values)
    changed = inspector.post(f"/inspect/{VILLAGE}", data={**values, "households": "301"})
    html = changed.get_data(as_text=True)
    assert changed.status_code == 409
    assert "此表已用不同的内容保存过" in html and f'href="{saved.location}"' in html
    assert 'value="301"' in html  # what was typed is still there to copy
    assert inspections(app) == 1
