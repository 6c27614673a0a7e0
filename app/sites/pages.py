"""The site figures as the desktop pages show them (issue 23, item 7): the dashboard's cards
and township table, the ranking, the bulletin and the exports all read them from here, so they
can never disagree with each other or with GET /api/v1/rollup (app/sites/rollup.py).

One county's figures cost two statements whatever its number of townships (its sites, their
visits: app/sites/tally.py counties_site_facts); the combined manure rate is computed from the
same facts (app/sites/manure.py).

The dashboard's periods are quarters and years. The month figure (coal_sampling_month) is then
the period's LAST month and the year figure runs from 1 January to the period's end, as in the
API; `month_shown` names that month so every page labels it.
"""

from dataclasses import dataclass, replace
from datetime import date

from app.periods import Period, parse_any_period
from app.rollups import reports
from app.rollups.core import UnitResult
from app.rollups.ranking import RankRow, rank
from app.rollups.ranking_data import township_facts
from app.sites.figures import INDICATORS
from app.sites.kinds import site_indicators
from app.sites.manure import CombinedManure, as_indicator, combined
from app.sites.tally import all_counties, counties_site_tally

MONTHLY = "coal_sampling_month"
YEAR_TO_DATE = "coal_sampling_year"
VILLAGE_MANURE = "manure_utilisation"


@dataclass(frozen=True)
class SiteIndicatorInfo:
    key: str
    kind: str
    label: str
    grade: str
    source: str


@dataclass(frozen=True)
class CountySites:
    """A county's site figures for one period: {unit code: {indicator: IndicatorResult}} for the
    county and each township with sites, and the farms' manure sums per unit."""

    period: Period
    figures: dict
    farm_manure: dict
    has_sites: bool

    def of(self, code: str) -> dict:
        return self.figures.get(code, {})

    def combined_manure(self, unit: UnitResult) -> CombinedManure:
        """The villages' manure (the roll-up's own result for `unit`) plus its scale farms'."""
        return combined(unit.indicators.get(VILLAGE_MANURE), self.farm_manure.get(unit.code))

    def combined_cell(self, unit: UnitResult):
        """The same as a table cell (numerator, denominator, rate, the villages' coverage)."""
        return as_indicator(self.combined_manure(unit), unit.indicators.get(VILLAGE_MANURE))


def site_infos(lang: str) -> list[SiteIndicatorInfo]:
    specs = site_indicators()
    return [
        SiteIndicatorInfo(
            key,
            specs[key]["kind"],
            specs[key][lang if lang in ("zh", "en") else "en"],
            specs[key].get("grade", ""),
            specs[key].get("source", ""),
        )
        for key in INDICATORS
        if key in specs
    ]


def month_shown(period_code: str) -> str:
    """The month the monthly figure reads for a period: its last month (`2026Q4` → `2026-12`)."""
    end = parse_any_period(period_code).end
    return f"{end.year:04d}-{end.month:02d}"


def year_span(period_code: str) -> tuple[date, date]:
    """What the year figure covers: 1 January of the period's year to the period's end."""
    end = parse_any_period(period_code).end
    return date(end.year, 1, 1), end


def county_sites(period_code: str, county, approved_only: bool) -> CountySites:
    """Two statements: the county's sites and their visits of the year to the period's end."""
    period = parse_any_period(period_code)
    figures, manure, registered = counties_site_tally(period, [county], approved_only)
    return CountySites(period, figures, manure, bool(registered))


def province_sites(period_code: str, province_code: str, approved_only: bool) -> CountySites:
    """The province page's: each county's figures and their Σ under `province_code`, read as
    the counties' table reads them (app/sites/tally.py), three statements whatever the number
    of counties (the counties, their sites, the sites' visits)."""
    period = parse_any_period(period_code)
    counties = all_counties()
    figures, manure, registered = counties_site_tally(
        period, counties, approved_only, total=province_code
    )
    return CountySites(period, figures, manure, bool(registered))


def with_sites(units: list[UnitResult], sites: CountySites) -> list[UnitResult]:
    """`units` (the county or its townships) with their site indicators merged in."""
    return [replace(u, indicators={**u.indicators, **sites.of(u.code)}) for u in units]


def township_ranking(key: str, period: str, county, approved_only: bool) -> list[RankRow]:
    """The county's townships ranked on a site indicator (Σ numerators ÷ Σ denominators of each
    township's sites), furthest behind their target first, as app/rollups/ranking.py ranks."""
    sites = county_sites(period, county, approved_only)
    townships = reports.rollup(period, "township", county.code, approved_only)
    facts = township_facts(reports.place_of(county.code))
    return rank(with_sites(townships, sites), key, facts)
