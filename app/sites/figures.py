"""The site figures of one period, pure (no Flask, no database): plain facts in, one
IndicatorResult per unit and indicator out, so every number can be worked by hand.

Every rate is Σ numerator ÷ Σ denominator over the unit's sites (a county's is the sum of its
townships' numerators over the sum of their denominators, never a mean of township rates):

- farm_facilities: scale farms whose latest inspection in the period found matching manure
  facilities ÷ scale farms inspected in the period; `units` the open scale farms (a farm whose
  registered head count is below its species' threshold is not a scale farm and is not counted);
- station_running: built stations found running at their latest inspection ÷ built stations
  inspected; `units` the open built stations;
- coal_sampling_month: open sellers with a sample taken in the period's last month ÷ open
  sellers (target 20 %);
- coal_sampling_year: open sellers with a sample taken from 1 January to the period's end ÷
  open sellers (target 100 % at year end; the path expects month/12 of it);
- coal_sample_pass: samples passing ÷ samples taken in the period (samples, not sellers).

For the two coverage figures the register is the denominator, so coverage is reported ÷ units
as for the others: how many of the open sites were visited at all.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from app.rollups.core import IndicatorResult, meets, status
from app.rollups.target_path import path_status

INDICATORS = (
    "farm_facilities",
    "station_running",
    "coal_sampling_month",
    "coal_sampling_year",
    "coal_sample_pass",
)


@dataclass(frozen=True)
class SiteFact:
    code: str
    kind: str
    township: str  # township code
    counted: bool  # open at the period's end and in the indicator's population (scale, built)


@dataclass(frozen=True)
class VisitFact:
    site: str  # site code
    on: date
    answers: dict = field(default_factory=dict)


@dataclass
class _Sum:
    numerator: float = 0.0
    denominator: float = 0.0
    reported: int = 0
    units: int = 0

    def add(self, other: "_Sum") -> None:
        self.numerator += other.numerator
        self.denominator += other.denominator
        self.reported += other.reported
        self.units += other.units


def site_figures(
    start: date,
    end: date,
    sites: list[SiteFact],
    visits: list[VisitFact],
    targets: dict[str, float | None],
    county: str,
) -> dict[str, dict[str, IndicatorResult]]:
    """{unit code: {indicator: result}} for each township with sites and for `county`.
    `visits` are the non-deleted inspections from 1 January of `end`'s year to `end`."""
    month_start = end.replace(day=1)
    in_period = [v for v in visits if start <= v.on <= end]
    by_site: dict[str, list[VisitFact]] = defaultdict(list)
    for visit in sorted(visits, key=lambda v: v.on):
        by_site[visit.site].append(visit)
    sums: dict[str, dict[str, _Sum]] = defaultdict(lambda: defaultdict(_Sum))
    for site in sites:
        if site.counted:
            for key, one in _site_sums(site, by_site[site.code], start, month_start, end):
                sums[site.township][key].add(one)
    # samples are counted per visit, of counted sellers only
    counted_sellers = {s.code: s for s in sites if s.counted and s.kind == "coal_seller"}
    for visit in in_period:
        seller = counted_sellers.get(visit.site)
        if seller is not None and visit.answers.get("sample_taken") is True:
            passed = visit.answers.get("sample_passed") is True
            sums[seller.township]["coal_sample_pass"].add(_Sum(float(passed), 1.0, 1, 0))
    out: dict[str, dict[str, IndicatorResult]] = {}
    county_sums: dict[str, _Sum] = defaultdict(_Sum)
    for township, per_indicator in sums.items():
        for key, one in per_indicator.items():
            county_sums[key].add(one)
        out[township] = _results(per_indicator, targets, end)
    out[county] = _results(county_sums, targets, end)
    return out


def _site_sums(site: SiteFact, visits: list[VisitFact], start, month_start, end):
    """(indicator, its sums for this one site)."""
    if site.kind == "scale_farm":
        yield "farm_facilities", _latest_says(visits, start, end, "facilities_match")
    elif site.kind == "sewage_station":
        yield "station_running", _latest_says(visits, start, end, "running")
    elif site.kind == "coal_seller":
        month = any(_sampled(v) for v in visits if month_start <= v.on <= end)
        year = any(_sampled(v) for v in visits if v.on.year == end.year and v.on <= end)
        yield "coal_sampling_month", _Sum(float(month), 1.0, int(month), 1)
        yield "coal_sampling_year", _Sum(float(year), 1.0, int(year), 1)


def _sampled(visit: VisitFact) -> bool:
    return visit.answers.get("sample_taken") is True


def _latest_says(visits: list[VisitFact], start, end, answer: str) -> _Sum:
    seen = [v for v in visits if start <= v.on <= end and v.answers.get(answer) is not None]
    if not seen:
        return _Sum(0.0, 0.0, 0, 1)
    return _Sum(float(seen[-1].answers[answer] is True), 1.0, 1, 1)


def _results(sums: dict[str, _Sum], targets: dict, end: date) -> dict[str, IndicatorResult]:
    out = {}
    for key in INDICATORS:
        one = sums.get(key)
        if one is None:
            continue
        rate = one.numerator / one.denominator if one.denominator else None
        target = targets.get(key)
        expected = target
        if key == "coal_sampling_year" and target is not None:
            expected = round(target * end.month / 12, 12)  # by month's end, month/12 of it
        units = one.units if key != "coal_sample_pass" else None
        out[key] = IndicatorResult(
            numerator=one.numerator,
            denominator=one.denominator,
            rate=rate,
            target=target,
            meets=meets(rate, target),
            status=status(rate, target),
            villages_reported=one.reported,
            path_expected=expected,
            path_status=path_status(rate, target, expected),
            units=units,
            coverage=(one.reported / one.units) if units else None,
        )
    return out
