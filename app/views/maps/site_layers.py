"""The map's site layers (issue 23, item 7): one layer per site kind, each open located site
drawn at its location and ringed red when it lags (app/sites/map_marks.py says which and why).
Only for the roles that may read the registers (site.read: a viewer sees the figures, not the
sites)."""

from flask import g, url_for
from flask_babel import gettext as _

from app.accounts.policy import permitted
from app.i18n import current_lang
from app.maps.build import SiteMark
from app.periods import parse_period
from app.sites.kinds import site_kinds
from app.sites.map_marks import site_marks


def reasons() -> dict[str, str]:
    return {
        "facilities_missing": _("Manure facilities not matched"),
        "not_running": _("Station not running"),
        "not_inspected": _("Not inspected this period"),
        "not_sampled_this_year": _("Not sampled this year"),
    }


def site_map_parts(period: str, scope_code: str | None) -> tuple[list[SiteMark], dict, str]:
    """(the marks, {kind: label} for the layers, the site page's URL prefix); nothing for a role
    that may not read the registers."""
    if not permitted(g.actor, "site.read"):
        return [], {}, ""
    lang = current_lang()
    words = reasons()
    marks = [
        SiteMark(**{**m, "reason": words.get(m["reason"], m["reason"])})
        for m in site_marks(parse_period(period), scope_code)
    ]
    kinds = {key: kind.label[lang] for key, kind in site_kinds().items()}
    return marks, kinds, url_for("web.home") + "site/"


def site_labels() -> dict:
    return {"siteKind": _("Kind of site"), "siteState": _("Lagging"), "sitePage": _("Site page")}
