"""A ranking per indicator: which villages (or townships) are furthest behind their own target.

"Which ten villages are furthest behind on manure this quarter?" must be one look, not an XLSX
and a sort. Each unit is judged against its OWN target (zones differ: 88.7 % against 100 % is
further behind than 61.0 % against 70 %), so the order is by the gap, rate minus target, most
negative first.

Pure (no Flask, no database): it orders the roll-up's results (app/rollups/reports.rollup) and
never computes a rate. The gap shown is app/rollups/figures.gap_points (shown rate minus shown
target); the order uses the exact gap, ties broken by the lower rate, then the code.

Groups, in this order, so nothing without a judgement poses as the best or the worst:
1. judged units (a rate and a target, coverage enough), by gap;
2. `insufficient_data` units (too few of their villages reported), by gap;
3. units with a rate but no target, by rate;
4. units without a rate (not reported), by code.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from app.rollups import figures


@dataclass(frozen=True, slots=True)
class UnitFacts:
    """What the ranking shows beside the figures, from outside the roll-up."""

    zone: str  # a village's zone; a township's zones joined ("plain/mountain")
    township: str = ""  # the township's name (village rankings)
    last_inspected: date | None = None
    location_source: str | None = None


@dataclass(frozen=True, slots=True)
class RankRow:
    position: int | None  # 1, 2, …; None for units not ranked (no rate or no target)
    code: str
    name: str
    township: str
    zone: str
    rate: float | None  # fractions, as the roll-up gives them
    target: float | None
    gap: float | None  # percentage points, one decimal: shown rate − shown target
    numerator: float
    denominator: float
    status: str
    path_expected: float | None
    path_status: str | None
    villages_reported: int
    units: int | None
    last_inspected: date | None


def _group(result) -> int:
    if result.rate is None:
        return 3
    if result.target is None:
        return 2
    return 1 if result.status == "insufficient_data" else 0


def _order(unit, key: str):
    result = unit.indicators[key]
    group = _group(result)
    if group <= 1:
        return (group, result.rate - result.target, result.rate, unit.code)
    if group == 2:
        return (group, 0.0, result.rate, unit.code)
    return (group, 0.0, 0.0, unit.code)


def rank(units: Iterable, key: str, facts: Mapping[str, UnitFacts]) -> list[RankRow]:
    """Every unit of `units` (app.rollups.core.UnitResult) as a RankRow, furthest behind first."""
    ordered = sorted((u for u in units if key in u.indicators), key=lambda u: _order(u, key))
    rows = []
    for position, unit in enumerate(ordered, start=1):
        result = unit.indicators[key]
        fact = facts.get(unit.code, UnitFacts(zone=""))
        ranked = result.rate is not None and result.target is not None
        rows.append(
            RankRow(
                position=position if ranked else None,
                code=unit.code,
                name=unit.name,
                township=fact.township,
                zone=fact.zone,
                rate=result.rate,
                target=result.target,
                gap=figures.gap_points(result.rate, result.target),
                numerator=result.numerator,
                denominator=result.denominator,
                status=result.status,
                path_expected=result.path_expected,
                path_status=result.path_status,
                villages_reported=result.villages_reported,
                units=result.units,
                last_inspected=fact.last_inspected,
            )
        )
    return rows


def furthest_behind(rows: Sequence[RankRow], limit: int = 10) -> list[RankRow]:
    """The first `limit` judged rows that are below their target (gap < 0)."""
    behind = [r for r in rows if r.position is not None and r.status != "insufficient_data"]
    return [r for r in behind if r.rate < r.target - 1e-9][:limit]


def not_reported(rows: Sequence[RankRow]) -> list[RankRow]:
    return [r for r in rows if r.rate is None and r.villages_reported == 0]


def table_row(row: RankRow, status_labels: Mapping[str, str], zone_labels: Mapping) -> list:
    """One row of the CSV/XLSX, every figure rounded as the page shows it."""
    return [
        row.position,
        row.code,
        row.name,
        row.township,
        zone_labels.get(row.zone, row.zone),
        figures.percent(row.rate),
        figures.percent(row.target),
        row.gap,
        figures.amount(row.numerator),
        figures.amount(row.denominator),
        status_labels.get(row.status, row.status),
        figures.percent(row.path_expected),
        status_labels.get(row.path_status, "") if row.path_status else "",
        row.last_inspected.isoformat() if row.last_inspected else "",
    ]
