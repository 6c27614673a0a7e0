"""The fixture section and indicator (tests/fixtures/extra_forms) added to a copy of a forms
folder, to show a county adds both as data only. The copy is refused, naming the clash, when the
folder already has a section or an indicator of the fixture's name: a county's real `toilets`
section would otherwise be overwritten, or the loader would fail on a duplicate, and the test
would fail far from the cause."""

import json
import shutil
from pathlib import Path

import pytest

from tests.paths import FIXTURES

EXTRA = FIXTURES / "extra_forms"
SECTION_FILE = "toilets.json"


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def clashes(folder: Path) -> list[str]:
    """What of the folder's forms the fixture would overwrite or duplicate."""
    section = read(EXTRA / SECTION_FILE)["settings"]["form_id"]
    indicator = read(EXTRA / "indicator.json")["key"]
    # The loader wants form_id == the file's name, so a section of that name is that file.
    found = [f"a section {section!r} ({SECTION_FILE})"] if (folder / SECTION_FILE).exists() else []
    if indicator in {i["key"] for i in read(folder / "indicators.json")["indicators"]}:
        found.append(f"an indicator {indicator!r}")
    return found


def add_fixture_section(folder: Path, indicators: dict) -> None:
    """Copies the fixture section into `folder` and appends its indicator to `indicators` (the
    caller writes indicators.json), or fails the test naming what clashes."""
    found = clashes(folder)
    if found:
        pytest.fail(
            f"{folder} already has {', '.join(found)}: the fixture section of {EXTRA} would "
            "clash with it. Give the fixture's section, file and indicator names no county uses.",
            pytrace=False,
        )
    shutil.copy(EXTRA / SECTION_FILE, folder / SECTION_FILE)
    indicators["indicators"].append(read(EXTRA / "indicator.json"))
