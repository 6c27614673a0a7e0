"""House habits that a reader of one file cannot see being broken elsewhere: checked over the
whole of app/ so a new copy fails here instead of drifting apart from the original."""

import ast
import re
from datetime import date

from app.formdefs.registry import current_forms
from app.rollups.status_labels import status_labels
from tests.paths import APP

LONGEST_FUNCTION = 60  # lines, decorators not counted
# Functions allowed to be longer: none now (issue 11 split the last ones into named steps).
NOT_YET_SPLIT: set[str] = set()


def sources():
    for path in sorted(APP.rglob("*.py")):
        yield path.relative_to(APP.parent).as_posix(), path.read_text(encoding="utf-8")


def test_the_inspection_schema_comes_from_the_one_accessor():
    """Views, the API, the rescue import and the demo loader all ask Forms.inspection_schema;
    building a schema from the classes is the registry's own business."""
    builders = [
        name
        for name, text in sources()
        if re.search(r"inspection_schemas\s*\[", text) and name != "app/formdefs/registry.py"
    ]
    assert builders == []


def test_the_accessor_makes_one_schema_per_language_and_day(app):
    with app.app_context():
        forms = current_forms()
        today, tomorrow = date(2026, 11, 28), date(2026, 11, 29)
        assert forms.inspection_schema("en", today) is forms.inspection_schema("en", today)
        assert forms.inspection_schema("en", today) is not forms.inspection_schema("zh", today)
        assert forms.inspection_schema("en", tomorrow).today == tomorrow


def test_status_words_are_defined_once():
    """The dashboard, its exports and the map share app/rollups/status_labels.py."""
    definitions = [name for name, text in sources() if "def status_labels(" in text]
    assert definitions == ["app/rollups/status_labels.py"]


def test_each_status_has_one_wording_in_each_language(app):
    with app.test_request_context("/?lang=zh"):
        assert status_labels() == {
            "meets": "达标",
            "near": "接近目标（差距在10个百分点以内）",
            "behind": "落后于目标",
            "no_target": "未设目标",
            "no_data": "无数据（分母为零）",
            "not_reported": "未报告该项",
            "not_counted": "不计入此项指标",
            "insufficient_data": "数据不足",
            "met": "已达标",
            "on_track": "按进度",
            "behind_path": "落后于进度",
        }
    with app.test_request_context("/?lang=en"):
        assert status_labels()["behind"] == "Behind target"


def test_no_function_is_longer_than_a_screen():
    long = {
        f"{name}:{node.name}"
        for name, text in sources()
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > LONGEST_FUNCTION
    }
    assert long - NOT_YET_SPLIT == set()
