"""Honest statuses: a rate from too few of a unit's villages is not the unit's rate.

With 5 of 213 villages reported, "80.4 % 达标" in green would be read as the county's figure.
So each figure carries its coverage (villages reporting the indicator ÷ the units the indicator
counts in that unit, see `unit_kinds` in forms/indicators.json) and, below the county's
threshold (setting `reports.coverage_threshold`, default 80 %), its status becomes
`insufficient_data` (数据不足): never meets, near or behind, and no status against the path.

Pure (no Flask, no database): it post-processes app/rollups/core.IndicatorResult.
"""

from app.rollups.core import IndicatorResult
from app.rollups.target_path import path_status

DEFAULT_THRESHOLD = 0.8
JUDGED = ("meets", "near", "behind")  # the statuses a thin coverage must not claim
EPSILON = 1e-9


def coverage(reported: int, units: int) -> float | None:
    """Reporting units ÷ units in scope; None when the unit holds no unit of the kinds counted."""
    return reported / units if units else None


def honest(result: IndicatorResult, units: int, threshold: float) -> IndicatorResult:
    """The result with `units`, `coverage` and `path_status` set, and its status replaced by
    `insufficient_data` when the coverage is below `threshold`."""
    share = coverage(result.villages_reported, units)
    thin = share is None or share < threshold - EPSILON
    if thin and result.status in JUDGED:
        return _with(result, units, share, "insufficient_data", None, None)
    judged = path_status(result.rate, result.target, result.path_expected)
    return _with(result, units, share, result.status, result.meets, judged)


def _with(result: IndicatorResult, units, share, status, meets, judged) -> IndicatorResult:
    # built field by field, not with dataclasses.replace: the 120 counties' table makes 1,080
    # of these per request, and replace() introspects the class each time
    return IndicatorResult(
        numerator=result.numerator,
        denominator=result.denominator,
        rate=result.rate,
        target=result.target,
        meets=meets,
        status=status,
        villages_reported=result.villages_reported,
        path_expected=result.path_expected,
        path_status=judged,
        units=units,
        coverage=share,
    )


def unknown_units(result: IndicatorResult) -> int:
    """How many of the units counted did not report (a village-counted rate says so)."""
    return max((result.units or 0) - result.villages_reported, 0)
