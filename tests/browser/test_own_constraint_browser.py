"""A field's own constraint in the XPath subset (issue 22): the server refuses by the parsed
tree, and the phone (form-rules.js with xpath-eval.js) walks the same tree from the rules
document and refuses the same bodies with the same message."""

import json
import shutil
from datetime import UTC, datetime

import pytest

from app import create_app
from tests.api_payloads import NOON_28_NOV, changed, fixed_clock, valid_payload
from tests.formdefs.test_form_rules import browser_errors, rules_doc, server_errors
from tests.paths import ROOT, STATIC_JS

pytestmark = pytest.mark.browser

RULE = ". <= 0.5 * ${used_t} or profile('households') >= 125"
MESSAGE = {"zh": "回收量不超过使用量的一半", "en": "At most half of the film used"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    forms = tmp_path_factory.mktemp("forms")
    for path in (ROOT / "forms").glob("*.json"):
        shutil.copy(path, forms / path.name)
    film = json.loads((forms / "film.json").read_text())
    film["settings"]["version"] = "2026.9"
    recovered = next(r for r in film["survey"] if r["name"] == "recovered_t")
    recovered.update(constraint=RULE, constraint_message=MESSAGE)
    (forms / "film.json").write_text(json.dumps(film, ensure_ascii=False))
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": "sqlite://",
            "SECRET_KEY": "own-constraint-test-" + "x" * 32,
            "CLOCK": fixed_clock(NOON_28_NOV),
            "FORMS_DIR": str(forms),
        }
    )


def test_server_and_phone_refuse_by_the_same_tree(app, chromium):
    # valid_payload: households 120, film used 10, recovered 4.5 (≤ 5: passes)
    bodies = [
        valid_payload(),
        changed(valid_payload(), "sections.film.recovered_t", 5),  # 5 ≤ 0.5 × 10
        changed(valid_payload(), "sections.film.recovered_t", 5.5),  # over half
        changed(changed(valid_payload(), "sections.film.recovered_t", 5.5), "households", 130),
    ]
    raw = [json.dumps(b) for b in bodies]
    path = "sections.film.recovered_t"
    context = chromium.new_context()
    page = context.new_page()
    page.clock.set_fixed_time(datetime.fromisoformat(NOON_28_NOV).replace(tzinfo=UTC))
    page.set_content("<!doctype html><title>rules</title>")
    page.add_script_tag(path=str(STATIC_JS / "xpath-eval.js"))
    page.add_script_tag(path=str(STATIC_JS / "form-rules.js"))
    for lang in ("zh", "en"):
        doc = rules_doc(app, lang)
        assert {"section": "film", "field": "recovered_t", "message": MESSAGE[lang]}.items() <= (
            json.loads(doc)["checks"][0].items()
        )
        server = [server_errors(app, r, lang) for r in raw]
        assert server == [{}, {}, {path: [MESSAGE[lang]]}, {}]
        assert browser_errors(page, doc, raw) == server
    context.close()
