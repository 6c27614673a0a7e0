"""The quarterly bulletin (季度通报) the county sends to its townships: for one period, the
headline rates against target and path, the township ranking, the ten villages furthest behind
per indicator, and completeness, as one A4 document (HTML to print, or a PDF).

Everything is read once from the one roll-up (app/rollups/reports.rollup: the county or township,
its townships, its villages) and ordered by app/rollups/ranking.py, so the bulletin's figures are
the dashboard's and the ranking page's, rounded by app/rollups/figures.py in the template. (Open and
overdue problems join it once the rectification ledger exists.)
"""

from dataclasses import dataclass

from app.periods import parse_period
from app.rollups import reports
from app.rollups.core import UnitResult
from app.rollups.ranking import RankRow, furthest_behind, rank
from app.rollups.ranking_data import township_facts, village_facts

WORST = 10


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    headline: object  # app.rollups.core.IndicatorResult of the county (or township)
    townships: list[RankRow]  # empty for a township's bulletin
    worst: list[RankRow]  # the villages furthest behind their own target


@dataclass(frozen=True)
class Bulletin:
    period: str
    county_name: str
    unit: UnitResult  # the county, or the township the bulletin is for
    sections: list[Section]
    completeness: list[UnitResult]  # the townships (or the one township), reported of total
    not_reported: int  # village-level units with no inspection in the period


def build(period: str, county, township=None, indicators=()) -> Bulletin:
    """The bulletin of `county` (a County row), or of one of its townships. `indicators` is
    [(key, label)] in display order."""
    unit_code = township.code if township is not None else county.code
    level = "township" if township is not None else "county"
    unit = reports.rollup(period, level, unit_code)[0]
    villages = reports.rollup(period, "village", unit_code)
    v_facts = village_facts(reports.place_of(unit_code), parse_period(period).end)
    townships: list[UnitResult] = []
    t_facts = {}
    if township is None:
        townships = reports.rollup(period, "township", county.code)
        t_facts = township_facts(reports.place_of(county.code))
    sections = [
        Section(
            key=key,
            label=label,
            headline=unit.indicators[key],
            townships=rank(townships, key, t_facts) if townships else [],
            worst=furthest_behind(rank(villages, key, v_facts), WORST),
        )
        for key, label in indicators
    ]
    return Bulletin(
        period=period,
        county_name=county.name,
        unit=unit,
        sections=sections,
        completeness=townships or [unit],
        not_reported=sum(1 for v in villages if v.villages_reported == 0),
    )
