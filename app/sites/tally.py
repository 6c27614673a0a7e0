"""Reading the facts the site figures need from the database and handing them to the pure
app/sites/figures.py. One query for the sites, one for the year's visits."""

from datetime import date

from app.extensions import db
from app.models import County, Site, SiteInspection, Township, Village
from app.periods import Period
from app.sites.figures import SiteFact, VisitFact, site_figures
from app.sites.kinds import site_indicators, thresholds


def is_scale(attributes: dict) -> bool:
    """Whether a registered farm's head count reaches its species' threshold."""
    species = thresholds()["species"].get(attributes.get("species") or "")
    head = attributes.get("head_count")
    return species is not None and isinstance(head, int | float) and head >= species["threshold"]


def counted(site: Site, on: date) -> bool:
    if site.status != "open" and (site.closed_on is None or site.closed_on <= on):
        return False
    attributes = site.attributes or {}
    if site.kind == "scale_farm":
        return is_scale(attributes)
    if site.kind == "sewage_station":
        return attributes.get("built") is True
    return True


def county_site_figures(period: Period, county: County, approved_only: bool = False) -> dict:
    """{township or county code: {indicator: IndicatorResult}} of the county's sites."""
    return counties_site_figures(period, [county], approved_only)


def counties_site_figures(period: Period, counties: list[County], approved_only=False) -> dict:
    """The same for several counties in two statements, whatever their number (the counties'
    table asks for 120: a pair of statements per county was its N + 1, issue 21's budget)."""
    targets = {key: spec.get("target") for key, spec in site_indicators().items()}
    out: dict = {}
    for county, sites, visits in counties_site_facts(period, counties, approved_only):
        out.update(site_figures(period.start, period.end, sites, visits, targets, county.code))
    return out


def counties_site_facts(period: Period, counties: list[County], approved_only=False):
    """[(county, [SiteFact], [VisitFact])]: the counties' sites and their visits from 1 January
    of the period's year to its end, in two statements whatever the number of counties."""
    if not counties:
        return []
    rows = db.session.execute(
        db.select(Site, Township.code, Township.county_id)
        .join(Village, Site.village_id == Village.id)
        .join(Township, Village.township_id == Township.id)
        .where(Township.county_id.in_([c.id for c in counties]))
    ).all()
    ids = {s.id: s.code for s, _code, _county in rows}
    year_start = date(period.end.year, 1, 1)
    statement = db.select(
        SiteInspection.site_id, SiteInspection.inspected_on, SiteInspection.answers
    ).where(
        SiteInspection.site_id.in_(list(ids) or [0]),
        SiteInspection.inspected_on.between(min(year_start, period.start), period.end),
    )
    if approved_only:
        statement = statement.where(SiteInspection.status == "approved")
    visits_by_site: dict[str, list[VisitFact]] = {}
    for site_id, on, answers in db.session.execute(statement):
        visits_by_site.setdefault(ids[site_id], []).append(
            VisitFact(ids[site_id], on, answers or {})
        )
    out = []
    for county in counties:
        mine = [(s, code) for s, code, county_id in rows if county_id == county.id]
        sites = [SiteFact(s.code, s.kind, code, counted(s, period.end)) for s, code in mine]
        visits = [v for s, _code in mine for v in visits_by_site.get(s.code, [])]
        out.append((county, sites, visits))
    return out
