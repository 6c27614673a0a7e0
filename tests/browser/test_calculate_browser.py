"""Calculated fields in a real headless Chromium.

1. The phone's evaluator (static/js/calculate.js) and the server's (app/formdefs/calculations.py)
give the
   same double, the same coefficients used and the same missing ones on every shared case
   (tests/fixtures/calculate_cases.json).
2. At 360 px and offline: an inspector enters head counts and crop areas, sees the estimates as
   they type, accepts the manure estimate and overrides the straw one with a measured figure; once
   sent, the stored inspection says which is which (and which coefficient editions were used).
3. An estimate resting on an unverified coefficient says so, live and on the saved page.
"""

import json
import re
from datetime import date

import pytest

from app.extensions import db
from app.formdefs import load_forms
from app.formdefs.calculations import evaluate
from app.formdefs.coefficients import add_edition
from app.models import Answer, Inspection, User, Village
from tests.browser.offline_server import wait_until_offline_ready
from tests.formdefs.test_calculations import CASES, case_inputs
from tests.paths import ROOT

pytestmark = pytest.mark.browser

VILLAGE = "140225101205"  # 南阳庄村委会, 西坊城镇 (the live server's inspector's township)


def by_id(page, element_id):
    return page.locator(f'[id="{element_id}"]')


def test_phone_and_server_agree_on_every_shared_case(chromium):
    form_set = load_forms(ROOT / "forms")
    page = chromium.new_page()
    page.set_content("<!doctype html><html lang='zh-CN'><body></body></html>")
    page.add_script_tag(path=str(ROOT / "static" / "js" / "calculate.js"))
    inputs = [case_inputs(case, form_set) for case in CASES]
    phone = page.evaluate(
        "cases => cases.map(([c, a, k]) => window.CunjianCalc.evaluate(c, a, k))",
        [[calc.as_json(), answers, coefficients] for calc, answers, coefficients in inputs],
    )
    page.close()
    assert len(phone) == len(CASES)
    for case, (calc, answers, coefficients), js in zip(CASES, inputs, phone, strict=True):
        server = evaluate(calc, answers, coefficients)
        if server is None:
            assert js is None, case["name"]
            continue
        assert js == {
            "value": server.value,  # the same double, not merely close
            "coefficients": list(server.coefficients),
            "missing": list(server.missing),
        }, case["name"]


def estimate_text(page, name):
    return page.locator(f'[id="estimate-{name}"] .estimate-text').inner_text()


def stored_answers(live_server):
    with live_server.app.app_context():
        inspection = db.session.execute(
            db.select(Inspection).join(Village).where(Village.code == VILLAGE)
        ).scalar_one_or_none()
        if inspection is None:
            return None
        rows = db.session.execute(
            db.select(Answer).where(Answer.inspection_id == inspection.id)
        ).scalars()
        found = {(a.section, a.field): (a.value_num, a.basis, a.coefficients) for a in rows}
        db.session.remove()
    return found


def test_estimates_as_they_type_offline_one_accepted_one_overridden(live_server, phone, screenshot):
    phone_page = phone()
    page = phone_page.page
    page.goto(f"{live_server.url}/inspect/{VILLAGE}")
    page.get_by_label("用户名").fill(live_server.inspector[0])
    page.get_by_label("密码").fill(live_server.inspector[1])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/inspect/{VILLAGE}")
    page.wait_for_selector("[data-queue=ready]")
    wait_until_offline_ready(page)

    page.context.set_offline(True)
    page.reload()  # from the service worker: definitions and coefficients come in the page
    page.wait_for_selector("[data-queue=ready]")
    by_id(page, "households").fill("380")
    page.get_by_role("button", name="下一步").click()  # sewage: not inspected
    page.get_by_role("button", name="下一步").click()
    assert page.get_by_role("heading", name="畜禽粪污").is_visible()

    produced = "sections.manure.produced_t"
    assert estimate_text(page, produced) == "填写上面的数量后显示估算"
    by_id(page, "sections.manure.pigs_turnoff").press_sequentially("1200")
    # (2.0 + 3.3) kg × 199 d × 1,200 ÷ 1,000 = 1,265.64 t
    assert estimate_text(page, produced) == "留空即采用估算：1,265.6 吨"
    by_id(page, "sections.manure.dairy").press_sequentially("60")  # + 30 kg × 365 d × 60 = 657 t
    assert estimate_text(page, produced) == "留空即采用估算：1,922.6 吨"
    assert by_id(page, produced).get_attribute("placeholder") == "1,922.6"
    # typed a figure, then accepted the estimate instead: the input is emptied
    by_id(page, produced).fill("2000")
    assert estimate_text(page, produced) == "已填实测值；估算为 1,922.6 吨"
    page.locator(f'[id="estimate-{produced}"] button').click()
    assert by_id(page, produced).input_value() == ""
    assert page.locator(f'[id="estimate-{produced}"]').get_attribute("data-basis") == "estimated"
    by_id(page, "sections.manure.utilised_t").fill("1500")
    screenshot(page, "estimate-manure-360px")

    page.get_by_role("button", name="下一步").click()
    straw = "sections.straw.produced_t"
    by_id(page, "sections.straw.maize_mu").press_sequentially("2400")
    # no yield yet: the default 单产 (435.5 kg/亩, unverified) gives one (issue 20):
    # 2,400 × 435.5 ÷ 1,000 = 1,045.2 t × 1.2 × 0.77 = 965.76 t
    assert estimate_text(page, straw) == "留空即采用估算：965.8 吨（含未核实系数）"
    by_id(page, "sections.straw.maize_yield_kg_mu").press_sequentially("450")
    # 2,400 亩 × 450 kg ÷ 1,000 = 1,080 t × 1.2 × 0.77 = 997.92 t
    assert estimate_text(page, straw) == "留空即采用估算：997.9 吨"
    by_id(page, straw).press_sequentially("1100")  # the ledger's measured figure
    assert estimate_text(page, straw) == "已填实测值；估算为 997.9 吨"
    assert page.locator(f'[id="estimate-{straw}"]').get_attribute("data-basis") == "measured"
    by_id(page, "sections.straw.fertiliser_t").fill("600")
    screenshot(page, "estimate-straw-360px")
    while page.get_by_role("button", name="下一步").is_visible():
        page.get_by_role("button", name="下一步").click()
    page.get_by_role("button", name="保存检查").click()
    page.wait_for_selector("#queue-saved")
    page.wait_for_selector("[data-queue=ready]")
    assert stored_answers(live_server) is None  # still on the phone

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    for _ in range(30):
        if stored_answers(live_server):
            break
        if page.locator("#send-now").is_visible():
            page.click("#send-now")
        page.wait_for_timeout(300)
    answers = stored_answers(live_server)
    assert answers is not None

    value, basis, used = answers[("manure", "produced_t")]
    assert (value, basis) == (pytest.approx(1922.64, abs=1e-9), "estimated")
    editions = {e["key"]: e["value"] for e in json.loads(used)}
    assert editions["manure.pig.days"] == 199 and editions["manure.dairy.faeces_kg_d"] == 20
    assert answers[("straw", "produced_t")] == (1100, "measured", None)
    assert answers[("manure", "utilised_t")] == (1500, None, None)  # not calculated: no basis
    assert answers[("manure", "pigs_turnoff")] == (1200, None, None)
    assert phone_page.offsite(live_server.url) == []
    assert page.url.endswith("/inspect/")  # after an offline save: the village list


def test_an_unverified_coefficient_is_flagged_where_it_is_used(live_server, phone):
    """A county admin's grade-U edition of film per 亩: the live estimate and the saved page say
    the figure rests on an unverified value."""
    with live_server.app.app_context():
        admin = (
            db.session.execute(db.select(User).where(User.role == "inspector")).scalars().first()
        )
        add_edition("film.kg_per_mu", 5.2, date(2020, 1, 1), admin, grade="U", source="test")
        db.session.commit()
        db.session.remove()
    village = "140225101206"
    page = phone().page
    page.goto(f"{live_server.url}/inspect/{village}")
    page.get_by_label("用户名").fill(live_server.inspector[0])
    page.get_by_label("密码").fill(live_server.inspector[1])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/inspect/{village}")
    by_id(page, "households").fill("120")
    while not page.get_by_role("heading", name="农用薄膜").is_visible():
        page.get_by_role("button", name="下一步").click()
    by_id(page, "sections.film.mulched_mu").press_sequentially("1000")
    used = "sections.film.used_t"
    # 1,000 亩 × 5.2 kg ÷ 1,000
    assert estimate_text(page, used) == "留空即采用估算：5.2 吨（含未核实系数）"
    by_id(page, "sections.film.recovered_t").fill("1")
    while page.get_by_role("button", name="下一步").is_visible():
        page.get_by_role("button", name="下一步").click()
    page.get_by_role("button", name="保存检查").click()
    page.wait_for_url(re.compile(r"/inspect/saved/\d+$"))
    shown = page.locator("#answer-film-used_t").inner_text()
    assert shown == "5.2 吨 估算 含未核实系数"
