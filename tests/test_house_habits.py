"""House habits that a reader of one file cannot see being broken elsewhere: checked over the
whole of app/ so a new copy fails here instead of drifting apart from the original."""

import re
from datetime import date
from pathlib import Path

from app.formdefs.registry import current_forms

APP = Path(__file__).resolve().parent.parent / "app"


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
