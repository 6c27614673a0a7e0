"""The words for a roll-up status: one set for the dashboard, its exports and the map.

The dashboard and the map used to word the same status twice, differently ("Behind" and
"Behind target"; "No data" and "No data (nothing to measure)"). Each status now has the wording
that is true wherever it is shown, read without a legend (an export's cell has none): "behind"
is behind the target, "no_target" means none is set, and "no_data" is a zero denominator,
whether the unit's reports had nothing to count or no village reported at all. Only the map
tells a village that did not report the section apart ("not_reported"), so the roll-up's
statuses (app/rollups/core.py STATUSES) plus that one are the keys.
"""

from flask_babel import gettext as _


def status_labels() -> dict[str, str]:
    """Each status's words in the request's language."""
    return {
        "meets": _("Meets target"),
        "near": _("Within 10 points of target"),
        "behind": _("Behind target"),
        "insufficient_data": _("Insufficient data"),
        "no_target": _("No target set"),
        "no_data": _("No data (nothing to measure)"),
        "not_reported": _("Section not reported"),
        # a unit whose kind the indicator does not count (a community on a rural indicator)
        "not_counted": _("Not counted in this indicator"),
        # against the target's path (app/rollups/target_path.py)
        "met": _("Target met"),
        "on_track": _("On track"),
        "behind_path": _("Behind the path"),
    }
