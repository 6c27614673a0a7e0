"""The sites for the map (issue 23, item 7): each open site with a location, and whether it lags
in the period, with the reason. Two statements (the sites in scope, their visits of the year to
the period's end), whatever their number. Plain dicts out: app/maps draws them (app.maps and
app.sites are siblings, neither imports the other; the view joins them).

A site lags when:
- a scale farm's latest inspection in the period found no matching manure facilities, or it was
  not inspected in the period (`facilities_missing`, `not_inspected`);
- a built sewage station's latest inspection in the period found it not running, or it was not
  inspected in the period (`not_running`, `not_inspected`);
- a coal seller has no sample taken from 1 January to the period's end (`not_sampled_this_year`).
A site outside its kind's population (a farm below the scale threshold, a station not yet built)
is drawn but never lags: the figures do not count it.
"""

from datetime import date

from app.extensions import db
from app.models import Site, SiteInspection, Township, Village
from app.periods import Period
from app.sites.tally import counted

CHECKS = {
    "scale_farm": ("facilities_match", "facilities_missing"),
    "sewage_station": ("running", "not_running"),
}


def site_marks(period: Period, scope_code: str | None) -> list[dict]:
    """[{code, name, kind, lat, lon, lagging, reason}] of the open located sites of the scope
    (a county's or a township's code; None: every site)."""
    statement = (
        db.select(Site, Township.code)
        .join(Village, Site.village_id == Village.id)
        .join(Township, Village.township_id == Township.id)
        .where(Site.status == "open", Site.lat.is_not(None), Site.lon.is_not(None))
        .order_by(Site.kind, Site.code)
    )
    if scope_code and len(scope_code) == 9:
        statement = statement.where(Township.code == scope_code)
    elif scope_code:
        statement = statement.where(Township.code.like(f"{scope_code}%"))
    sites = [site for site, _township in db.session.execute(statement)]
    visits: dict[int, list[tuple[date, dict]]] = {}
    rows = db.session.execute(
        db.select(SiteInspection.site_id, SiteInspection.inspected_on, SiteInspection.answers)
        .where(
            SiteInspection.site_id.in_([s.id for s in sites] or [0]),
            SiteInspection.inspected_on.between(date(period.end.year, 1, 1), period.end),
        )
        .order_by(SiteInspection.inspected_on)
    )
    for site_id, on, answers in rows:
        visits.setdefault(site_id, []).append((on, answers or {}))
    return [_mark(s, visits.get(s.id, []), period) for s in sites]


def _mark(site: Site, visits: list, period: Period) -> dict:
    reason = ""
    if counted(site, period.end):
        reason = lag_reason(site.kind, visits, period.start, period.end)
    return {
        "code": site.code,
        "name": site.name,
        "kind": site.kind,
        "lat": site.lat,
        "lon": site.lon,
        "lagging": bool(reason),
        "reason": reason,
    }


def lag_reason(kind: str, visits: list[tuple[date, dict]], start: date, end: date) -> str:
    """Why a counted site lags in the period ("" when it does not). `visits` (day, answers) in
    date order, from 1 January of the period's year."""
    if kind == "coal_seller":
        sampled = any(a.get("sample_taken") is True for on, a in visits if on <= end)
        return "" if sampled else "not_sampled_this_year"
    if kind not in CHECKS:
        return ""
    answer, failure = CHECKS[kind]
    seen = [a for on, a in visits if start <= on <= end and a.get(answer) is not None]
    if not seen:
        return "not_inspected"
    return "" if seen[-1][answer] is True else failure
