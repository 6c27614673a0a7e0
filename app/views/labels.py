"""Words the pages of several blueprints share, kept apart from any one blueprint so none
imports another (pyproject.toml's import contracts)."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

ZONE_LABELS = {
    "plain": _l("Plain"),
    "mountain": _l("Mountain"),
    "county_town": _l("County town"),
    "unknown": _l("Zone unknown"),
}


def zone_text(zone: str) -> str:
    """ "plain/mountain" → "平原/山区"."""
    return "/".join(str(ZONE_LABELS.get(z, z)) for z in zone.split("/") if z)


def with_placeholder(choices: list) -> list:
    """A required select's choices after an empty first option (「请选择」): HTML requires a
    required single select to open on an empty option, and nothing is chosen by default."""
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice("", _l("Choose…")), *choices]


_PLAN_SECTION = re.compile(r"^plan §\s*([0-9.]+)$")


def source_text(source: str | None) -> str:
    """A target's source as the page's language says it: the seeded "plan §5.4" (the county's
    2021–2025 plan, forms/indicators.json) → "规划第 5.4 节"; one an admin typed, as typed."""
    if not source:
        return ""
    found = _PLAN_SECTION.match(source.strip())
    return _("Plan §%(section)s", section=found.group(1)) if found else source


# One label per flag kind (app/models/photos.py FLAG_KINDS; tests/integrity check they match).
FLAG_LABELS = {
    "far_from_village": _l("Far from the village"),
    "outside_county": _l("Outside the county"),
    "photo_reused": _l("Photo sent before"),
    "photo_old": _l("Old photo"),
    "too_fast": _l("Entered too fast"),
    "copied_answers": _l("Answers copied"),
    "same_place": _l("Same place as other villages"),
}


def flag_label(kind: str) -> str:
    return str(FLAG_LABELS.get(kind, kind))
