"""Reading the facts the site figures need from the database and handing them to the pure
app/sites/figures.py. One query for the sites, one for the year's visits."""

from datetime import date

from app.extensions import db
from app.models import County, Site, SiteInspection, Township, Village
from app.periods import Period
from app.sites.figures import SiteFact, VisitFact, site_figures
from app.sites.kinds import site_indicators, thresholds
from app.sites.manure import farm_manure


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
    return counties_site_tally(period, counties, approved_only)[0]


def counties_site_tally(period: Period, counties: list[County], approved_only=False, total=None):
    """(figures, farms, registered): the figures as above, the scale farms' manure sums
    {unit code: FarmManure} (app/sites/manure.py) and the codes of the counties with a site on
    their register, from the same two statements. With `total` (the province's code) the
    figures and sums also hold that code: the sums over all `counties` together."""
    targets = {key: spec.get("target") for key, spec in site_indicators().items()}
    figures: dict = {}
    farms: dict = {}
    registered: set[str] = set()
    every_site, every_visit = [], []
    for county, sites, visits in counties_site_facts(period, counties, approved_only):
        figures.update(site_figures(period.start, period.end, sites, visits, targets, county.code))
        farms.update(farm_manure(sites, visits, period.end, county.code))
        every_site += sites
        if sites:
            registered.add(county.code)
        every_visit += visits
    if total is not None:
        # Township codes are unique across counties, so the sums over every county's sites
        # at once are the Σ of the counties' numerators and denominators.
        whole = site_figures(period.start, period.end, every_site, every_visit, targets, total)
        figures[total] = whole[total]
        farms[total] = farm_manure(every_site, every_visit, period.end, total).get(total)
    return figures, farms, registered


def all_counties() -> list[County]:
    """Every county of the deployment, by code (one statement)."""
    return list(db.session.execute(db.select(County).order_by(County.code)).scalars())


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
