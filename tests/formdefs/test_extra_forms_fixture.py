"""The fixture section (tests/extra_forms.py) refuses a forms folder that already has a section
or indicator of its name, naming the clash (issue 19, finding 10), and adds itself otherwise."""

import json
import re
import shutil

import pytest

from tests.extra_forms import add_fixture_section, clashes
from tests.paths import FORMS


def county_forms(tmp_path):
    folder = tmp_path / "county"
    shutil.copytree(FORMS, folder)
    return folder


def real_section_named_toilets(folder):
    """The county's own toilets section: the straw form under the id "toilets"."""
    form = json.loads((FORMS / "straw.json").read_text(encoding="utf-8"))
    form["settings"]["form_id"] = "toilets"
    (folder / "toilets.json").write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")


def indicators_of(folder):
    return json.loads((folder / "indicators.json").read_text(encoding="utf-8"))


def test_the_shipped_forms_take_the_fixture(tmp_path):
    folder = county_forms(tmp_path)
    indicators = indicators_of(folder)
    before = len(indicators["indicators"])
    assert clashes(folder) == []
    add_fixture_section(folder, indicators)
    assert json.loads((folder / "toilets.json").read_text())["settings"]["form_id"] == "toilets"
    assert len(indicators["indicators"]) == before + 1
    assert indicators["indicators"][-1]["key"] == "toilet_coverage"


def test_a_real_section_of_the_same_name_is_refused_by_name(tmp_path):
    """Before, the fixture silently overwrote the county's toilets.json and the test failed
    later, on whatever the county's indicators found missing."""
    folder = county_forms(tmp_path)
    real_section_named_toilets(folder)
    real = (folder / "toilets.json").read_bytes()
    named = "already has a section 'toilets' (toilets.json): the fixture"
    with pytest.raises(pytest.fail.Exception, match=re.escape(named)):
        add_fixture_section(folder, indicators_of(folder))
    assert (folder / "toilets.json").read_bytes() == real  # the county's section is left as it was


def test_a_real_indicator_of_the_same_key_is_refused_by_name(tmp_path):
    folder = county_forms(tmp_path)
    indicators = indicators_of(folder)
    indicators["indicators"].append({"key": "toilet_coverage"})
    (folder / "indicators.json").write_text(json.dumps(indicators), encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="already has an indicator 'toilet_coverage'"):
        add_fixture_section(folder, indicators_of(folder))
    assert not (folder / "toilets.json").exists()
