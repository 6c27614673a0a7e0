"""Words the pages of several blueprints share, kept apart from any one blueprint so none
imports another (pyproject.toml's import contracts)."""

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
