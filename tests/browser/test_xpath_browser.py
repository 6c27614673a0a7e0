"""The constraint language's corpus in a real headless Chromium: the server parses each
expression once, and static/js/xpath-eval.js gives the server's value and verdict for the very
same tree (tests/fixtures/xpath_cases.json)."""

import pytest

from app.formdefs.xpath import evaluate, holds, parse
from tests.formdefs.test_xpath import CASES
from tests.paths import ROOT

pytestmark = pytest.mark.browser


def test_phone_and_server_agree_on_every_case(chromium):
    page = chromium.new_page()
    page.set_content("<!doctype html><html lang='zh-CN'><body></body></html>")
    page.add_script_tag(path=str(ROOT / "static" / "js" / "xpath-eval.js"))
    inputs = [
        [
            parse(c["expr"]),
            c.get("here"),
            c.get("answers", {}),
            c.get("profile", {}),
            c.get("coefficients", {}),
        ]
        for c in CASES
    ]
    phone = page.evaluate(
        """cases => cases.map(([t, h, a, p, k]) => [
            window.CunjianXPath.evaluate(t, h, a, p, k),
            window.CunjianXPath.holds(t, h, a, p, k)])""",
        inputs,
    )
    page.close()
    assert len(phone) == len(CASES)
    for case, args, (js_value, js_holds) in zip(CASES, inputs, phone, strict=True):
        server_value = evaluate(*args)
        assert js_holds is holds(*args) is case["holds"], case["expr"]
        assert js_value == server_value, case["expr"]  # the same double, not merely close
