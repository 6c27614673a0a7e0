"""The sites due this month on the 待办 page: for every kind with a sampling rule, the month's
draws in the actor's townships (drawn now if nobody has asked yet) that are not yet sampled.
The caller commits, so a draw made here is kept."""

from datetime import date

from app.i18n import current_lang
from app.periods import month_of
from app.sites.documents import plan_document, townships_in_scope
from app.sites.kinds import site_kinds


def due_sites(actor, today: date) -> list[dict]:
    if actor.role not in ("inspector", "township_lead", "county_admin"):
        return []
    townships = townships_in_scope(actor)
    lang = current_lang()
    out = []
    for kind in site_kinds().values():
        if kind.sampling is None:
            continue
        document = plan_document(kind, month_of(today), townships)
        for site in document["sites"]:
            if not site["sampled"]:
                out.append({**site, "kind": kind.key, "kind_label": kind.label[lang]})
    return sorted(out, key=lambda s: (s["due_on"], s["code"]))
