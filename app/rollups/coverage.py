"""Honest statuses: a rate from too few of a unit's villages is not the unit's rate.

With 5 of 213 villages reported, "80.4 % 达标" in green would be read as the county's figure.
So each figure carries its coverage (villages reporting the indicator ÷ the units the indicator
counts in that unit, see `unit_kinds` in forms/indicators.json) and, below the county's
threshold (setting `reports.coverage_threshold`, default 80 %), its status becomes
`insufficient_data` (数据不足): never meets, near or behind, and no status against the path.

Pure (no Flask, no database): it post-processes app/rollups/core.IndicatorResult.
"""

from app.rollups.core import EPSILON as RATE_EPSILON
from app.rollups.core import NEAR_POINTS, IndicatorResult, Tally
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


def judged(
    tally: Tally,
    fallback_target: float | None,
    fallback_expected: float | None,
    units: int,
    threshold: float,
) -> IndicatorResult:
    """honest(indicator_result(tally, fallback_target, fallback_expected), units, threshold)
    in one step: the same result, value for value (tests/rollups/test_coverage_judged.py), with
    one IndicatorResult made instead of two. The counties' table judges 960 figures a request
    and trends 30; this was a fifth of the table's roll-up (issue 21's profile)."""
    rate = tally.numerator / tally.denominator if tally.denominator else None
    weight = tally.target_weight
    target = tally.target_weighted / weight if weight else None
    expected = (tally.target_weighted + tally.path_offset) / weight if weight else None
    if target is None and rate is None:
        target = fallback_target
        expected = fallback_expected if fallback_expected is not None else fallback_target
    if target is not None:
        target = round(target, 12)  # as core.indicator_result: 0.7500000000000002 shows 0.75
    if expected is not None:
        expected = round(expected, 12)
    reported = tally.villages_reported
    share = reported / units if units else None
    thin = share is None or share < threshold - EPSILON
    if rate is None:
        status, meets, path = "no_data", None, None
    elif target is None:
        status, meets, path = "no_target", None, None
    elif thin:  # a judged status on too few reports: not judged
        status, meets, path = "insufficient_data", None, None
    else:
        meets = rate >= target - RATE_EPSILON
        if meets:
            status = "meets"
        elif rate >= target - NEAR_POINTS - RATE_EPSILON:
            status = "near"
        else:
            status = "behind"
        path = path_status(rate, target, expected)
    return IndicatorResult(
        tally.numerator, tally.denominator, rate, target, meets, status, reported, expected,
        path, units, share,
    )  # fmt: skip


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
