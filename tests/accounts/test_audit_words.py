"""The audit log's codes as words (app/views/admin/audit_words.py): every action the app records
has a word, and each word is Chinese on a Chinese page (issue 20, finding 12).

The recorded actions are found in the source (`record("…"`, `record_apart("…"`, the positional
action of `event_values("…"`, `_audit("…"`) plus the two computed ones: `inspection.<review
action>` for app/inspections/review.py's transitions and `problem.<step>` for the ledger's."""

import re

from flask_babel import force_locale

from app.inspections.review import TRANSITIONS as REVIEW_TRANSITIONS
from app.problems.ledger import STEPS as LEDGER_STEPS
from app.views.admin.audit_words import ACTION_WORDS, OBJECT_WORDS, action_word, object_word
from tests.paths import ROOT

# An action is a dotted code ("auth.login"), or record_apart's "export" (the exports' own
# `_audit("villages", …)` names a table, not an action).
LITERAL = re.compile(
    r'\b(?:record|record_apart|event_values|_audit)\(\s*"([a-z_]+\.[a-z_]+)"|record_apart\(\s*"([a-z_]+)"'
)
CJK = re.compile(r"[\u4e00-\u9fff]")


def recorded_actions() -> set[str]:
    found = set()
    for path in (ROOT / "app").rglob("*.py"):
        for dotted, plain in LITERAL.findall(path.read_text(encoding="utf-8")):
            found.add(dotted or plain)
    found |= {f"inspection.{action}" for action in REVIEW_TRANSITIONS}
    found |= {f"problem.{step}" for step in LEDGER_STEPS}
    return found


def test_every_recorded_action_has_a_word():
    actions = recorded_actions()
    assert {"auth.login", "inspection.approve", "problem.recheck_fail", "export"} <= actions
    assert actions - set(ACTION_WORDS) == set()


def test_the_words_are_chinese_on_a_chinese_page(app):
    with app.test_request_context(), force_locale("zh"):
        for code in ACTION_WORDS:
            assert CJK.search(action_word(code)), code
        for code in OBJECT_WORDS:
            assert CJK.search(object_word(code)), code
        assert action_word("inspection.approve") == "通过检查"
        assert object_word("users") == "人员"
        assert action_word("some.new_code") == "some.new_code"  # shown as itself, never lost
