"""The county's combined manure utilisation rate (villages + scale farms), pure: plain facts in,
one result per unit out, so the sum can be worked by hand.

The counting rule is forms/README.md's ("Scale farms' manure and the county's manure
utilisation"): the villages' `manure` section counts the livestock kept by households, a
registered scale farm's herd is not in it, so the two populations never overlap and

    combined = (Σ villages' manure used + Σ scale farms' manure used)
               ÷ (Σ villages' manure produced + Σ scale farms' manure produced)

with the villages' sums exactly the village indicator's (`manure_utilisation`, numerator and
denominator as the roll-up gives them) and each counted scale farm taken once, at its latest
inspection from 1 January to the period's end that gives both `manure_t_y` and
`manure_used_t_y` (a farm visited twice adds its latest figures, not both). Never a mean of the
two rates.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from app.rollups.core import IndicatorResult, meets, status
from app.sites.figures import SiteFact, VisitFact

PRODUCED, USED = "manure_t_y", "manure_used_t_y"
# The combined rate's key where it stands beside the indicators (a table's column, an export's)
COMBINED = "manure_combined"


@dataclass(frozen=True)
class FarmManure:
    used: float = 0.0
    produced: float = 0.0
    farms: int = 0  # scale farms whose figures are in the sums


@dataclass(frozen=True)
class CombinedManure:
    numerator: float  # t used: villages + farms
    denominator: float  # t produced: villages + farms
    rate: float | None
    target: float | None
    status: str
    meets: bool | None
    village_numerator: float
    village_denominator: float
    farms: FarmManure


def farm_manure(
    sites: list[SiteFact], visits: list[VisitFact], end: date, county: str
) -> dict[str, FarmManure]:
    """{township code, and `county`: FarmManure} of the counted scale farms."""
    farms = {s.code: s for s in sites if s.counted and s.kind == "scale_farm"}
    latest: dict[str, VisitFact] = {}
    for visit in sorted(visits, key=lambda v: v.on):
        in_year = visit.site in farms and visit.on.year == end.year and visit.on <= end
        answered = _number(visit.answers.get(PRODUCED)) and _number(visit.answers.get(USED))
        if in_year and answered:
            latest[visit.site] = visit
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for code, visit in latest.items():
        for unit in (farms[code].township, county):
            sums[unit][0] += float(visit.answers[USED])
            sums[unit][1] += float(visit.answers[PRODUCED])
            sums[unit][2] += 1
    return {unit: FarmManure(used, produced, int(n)) for unit, (used, produced, n) in sums.items()}


def combined(village_result, farms: FarmManure | None) -> CombinedManure:
    """The combined rate from the village indicator's result (None: no village figure) and the
    unit's farms, judged against the village indicator's target."""
    farms = farms or FarmManure()
    v_num = village_result.numerator if village_result is not None else 0.0
    v_den = village_result.denominator if village_result is not None else 0.0
    target = village_result.target if village_result is not None else None
    numerator, denominator = v_num + farms.used, v_den + farms.produced
    rate = numerator / denominator if denominator else None
    return CombinedManure(
        numerator=numerator,
        denominator=denominator,
        rate=rate,
        target=target,
        status=status(rate, target),
        meets=meets(rate, target),
        village_numerator=v_num,
        village_denominator=v_den,
        farms=farms,
    )


def as_indicator(manure: CombinedManure, village_result) -> IndicatorResult:
    """The combined rate as a table cell: its numerator, denominator and rate, and the coverage
    of its villages' part (villages reported ÷ villages, as the village indicator gives it; each
    counted farm's figures are its own, so the farms add no coverage of their own)."""
    units = village_result.units if village_result is not None else None
    return IndicatorResult(
        numerator=manure.numerator,
        denominator=manure.denominator,
        rate=manure.rate,
        target=manure.target,
        meets=manure.meets,
        status=manure.status,
        villages_reported=village_result.villages_reported if village_result is not None else 0,
        units=units,
        coverage=village_result.coverage if village_result is not None else None,
    )


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
