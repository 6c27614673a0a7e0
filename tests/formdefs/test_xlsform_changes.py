"""The change list in words and the refusals (app/formdefs/xlsform_changes.py): pure."""

import copy

from app.formdefs.xlsform_changes import changes, indicator_changes, refusals
from tests.xlsform_helpers import shipped


def test_each_kind_of_change_is_said():
    old = shipped("sewage")
    new = copy.deepcopy(old)
    rows = {r["name"]: r for r in new["survey"]}
    rows["households_treated"]["max"] = 5000
    rows["households_treated"]["hint"] = {"zh": "按户计", "en": "Count households"}
    rows["facility_running"]["required"] = False
    new["survey"].reverse()
    new["survey"].append(
        {
            "type": "integer",
            "name": "pumps",
            "label": {"zh": "泵站", "en": "Pumps"},
            "required": True,
        }
    )
    new["choices"]["treatment_mode"].append(
        {"name": "wetland", "label": {"zh": "湿地", "en": "Wetland"}}
    )
    said = [c["en"] for c in changes(old, new)]
    assert said[-4:] == [
        "new field pumps (Pumps)",
        "note: pumps is required; inspections queued on phones under the old version will come "
        "back asking for it",
        "the order of the fields changed",
        "list treatment_mode: new wetland",
    ]
    assert (
        "households_treated: constraint now . >= 0 and . <= 5000 and . <= profile('households')"
        in said
    )
    assert "households_treated: hint now 'Count households'" in said
    assert "facility_running: required now 'no'" in said


def test_refusals_name_the_field_and_the_reason():
    old = shipped("film")
    new = copy.deepcopy(old)
    new["survey"] = [r for r in new["survey"] if r["name"] != "bought_kg"]
    new["survey"][0]["type"] = "integer"  # mulched_mu
    found = refusals(old, new, answered={"bought_kg", "mulched_mu"}, indicator_fields=set())
    assert [r["en"] for r in found] == [
        "mulched_mu has answers: its type cannot change from decimal to integer",
        "bought_kg has answers: it cannot be removed or renamed (add a new one)",
    ]
    assert refusals(old, new, answered=set(), indicator_fields=set()) == []
    assert [r["zh"] for r in refusals(old, new, set(), {"bought_kg"})] == [
        "字段 bought_kg 被指标使用，不能删除或改名"
    ]


def test_indicator_changes():
    one = {"key": "k", "label": {"zh": "甲", "en": "A"}, "numerator": {"count": True}}
    assert [c["en"] for c in indicator_changes({}, {"indicators": [one]})] == [
        "new indicator k (A)"
    ]
    assert [c["en"] for c in indicator_changes({"indicators": [one]}, {})] == [
        "indicator k removed"
    ]
