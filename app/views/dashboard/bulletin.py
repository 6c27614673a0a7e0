"""The quarterly bulletin (季度通报) the county sends to its townships: for one period, the
headline rates against target and path with their change on the period before, words drawn from
those figures (app/views/dashboard/bulletin_words.py), the township ranking, the ten villages
furthest behind per indicator, and completeness, as one A4 document (HTML to print, or a PDF).

Everything is read from the one roll-up (app/rollups/reports.rollup: the county or township, its
townships, its villages) and ordered by app/rollups/ranking.py, so the bulletin's figures are the
dashboard's and the ranking page's, rounded by app/rollups/figures.py in the template. Unlike the
dashboard, a bulletin counts approved inspections only unless asked to include the unreviewed
ones, and then says so on every page.
"""

from dataclasses import dataclass

from app.formdefs.registry import current_forms
from app.inspections.listings import has_demo_inspections
from app.periods import parse_period, previous_period
from app.rollups import figures, reports
from app.rollups.core import UnitResult
from app.rollups.estimated_shares import estimated_shares
from app.rollups.ranking import RankRow, furthest_behind, rank
from app.rollups.ranking_data import township_facts, village_facts
from app.sites.manure import CombinedManure
from app.sites.pages import county_sites, month_shown, with_sites

WORST = 10


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    headline: object  # app.rollups.core.IndicatorResult of the county (or township)
    townships: list[RankRow]  # empty for a township's bulletin
    worst: list[RankRow]  # the villages furthest behind their own target
    change: float | None = None  # points on the period before (shown rate − shown rate)
    estimated: bool = False  # a figure it sums is partly estimated from counts

    @property
    def has_data(self) -> bool:
        """Nothing to rank or list when no village reported a figure: one line, no tables."""
        return self.headline.rate is not None


@dataclass(frozen=True)
class Bulletin:
    period: str
    previous: str  # the period the changes are measured from
    county_name: str
    unit: UnitResult  # the county, or the township the bulletin is for
    sections: list[Section]
    completeness: list[UnitResult]  # the townships (or the one township), reported of total
    not_reported: int  # village-level units with no inspection in the period
    approved_only: bool
    demo: bool  # demo inspections count in these figures (app/demo)
    # the site figures (issue 23): headline and township ranking, no villages, no change
    site_sections: list[Section] = ()
    site_month: str = ""  # the month the monthly coal figure reads: the period's last
    manure: CombinedManure | None = None  # villages and scale farms together


def _site_sections(period, county, unit, townships, t_facts, site_indicators, approved_only):
    """The site figures' sections, from the county's sites (two statements)."""
    sites = county_sites(period, county, approved_only)
    mine = sites.of(unit.code)
    ranked = with_sites(townships, sites) if townships else []
    sections = [
        Section(
            key=key,
            label=label,
            headline=mine[key],
            townships=rank(ranked, key, t_facts) if ranked else [],
            worst=[],
        )
        for key, label in site_indicators
        if key in mine
    ]
    return sections, sites.combined_manure(unit)


def build(
    period: str, county, township=None, indicators=(), approved_only=True, site_indicators=()
) -> Bulletin:
    """The bulletin of `county` (a County row), or of one of its townships. `indicators` (and
    `site_indicators`, the site figures) is [(key, label)] in display order."""
    unit_code = township.code if township is not None else county.code
    level = "township" if township is not None else "county"
    unit = reports.rollup(period, level, unit_code, approved_only)[0]
    before = previous_period(period)
    earlier = reports.rollup(before, level, unit_code, approved_only)[0]
    villages = reports.rollup(period, "village", unit_code, approved_only)
    place = reports.place_of(unit_code)
    v_facts = village_facts(place, parse_period(period).end)
    townships: list[UnitResult] = []
    t_facts = {}
    if township is None:
        townships = reports.rollup(period, "township", county.code, approved_only)
        t_facts = township_facts(reports.place_of(county.code))
    estimated = _estimated_indicators(period, place, approved_only)
    sections = [
        Section(
            key=key,
            label=label,
            headline=unit.indicators[key],
            townships=rank(townships, key, t_facts) if townships else [],
            worst=furthest_behind(rank(villages, key, v_facts), WORST),
            change=figures.gap_points(unit.indicators[key].rate, earlier.indicators[key].rate),
            estimated=key in estimated,
        )
        for key, label in indicators
    ]
    site_sections, manure = _site_sections(
        period, county, unit, townships, t_facts, site_indicators, approved_only
    )
    demo = has_demo_inspections(
        period,
        county_id=county.id if township is None else None,
        township_id=township.id if township is not None else None,
    )
    return Bulletin(
        period=period,
        previous=before,
        county_name=county.name,
        unit=unit,
        sections=sections,
        completeness=townships or [unit],
        not_reported=sum(1 for v in villages if v.villages_reported == 0),
        approved_only=approved_only,
        demo=demo,
        site_sections=site_sections,
        site_month=month_shown(period),
        manure=manure,
    )


def _estimated_indicators(period: str, place, approved_only: bool) -> set[str]:
    """The indicators summing a field of which some tonnes are estimated in scope
    (app/rollups/estimated_shares.py), so their rates read 含估算."""
    shares = estimated_shares(period, place, approved_only) or []
    estimated_paths = {s.path for s in shares if s.estimated > 0}
    out = set()
    for indicator in current_forms().indicators:
        terms = (indicator.numerator, indicator.denominator)
        if any(set(t.fields or ()) & estimated_paths for t in terms):
            out.add(indicator.key)
    return out
