"""The arithmetic of roll-ups, kept pure (no Flask, no SQLAlchemy) so it can be proved by hand.

SQL gives one tally per village, period and indicator; everything above a village is a sum of
tallies, done by the one generic `roll_up` (DHIS2's rule: aggregate the numerator and the
denominator separately, then divide). A unit's rate is therefore Σ numerator ÷ Σ denominator over
its reporting villages, never a mean of village rates.

Targets differ by zone (clean heating: 1.00 plain, 0.70 mountain), so a unit's target is the
mean of its reporting villages' targets weighted by each village's denominator. Then
rate ≥ target ⇔ Σ num ≥ Σ target_i·den_i: "meets" is honest for mixed units. The value expected
on the target's path (app/rollups/target_path.py) is weighted the same way.
"""

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

# Rates and targets are floats (targets like 0.7 are not exact in binary); a rate that equals its
# target up to rounding noise meets it.
EPSILON = 1e-9
NEAR_POINTS = 0.10  # "near": within 10 percentage points below the target

# insufficient_data: too few of the unit's villages reported to judge (set by
# app/rollups/coverage.py)
STATUSES = ("meets", "near", "behind", "insufficient_data", "no_data", "no_target")

K = TypeVar("K", bound=Hashable)
P = TypeVar("P", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Tally:
    """One village × period × indicator, or any sum of them."""

    numerator: float = 0.0
    denominator: float = 0.0
    target_weighted: float = 0.0  # Σ target_i × weight_i over contributing villages with a target
    target_weight: float = 0.0  # Σ weight_i of those villages (weight = the village's denominator)
    villages_reported: int = 0
    # Σ (expected_i − target_i) × weight_i: how far below its target each village's path is this
    # period (0 without a path, so a tally without paths reads as before)
    path_offset: float = 0.0

    def __add__(self, other: "Tally") -> "Tally":
        if not isinstance(other, Tally):
            return NotImplemented
        return Tally(
            self.numerator + other.numerator,
            self.denominator + other.denominator,
            self.target_weighted + other.target_weighted,
            self.target_weight + other.target_weight,
            self.villages_reported + other.villages_reported,
            self.path_offset + other.path_offset,
        )

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def target(self) -> float | None:
        return self.target_weighted / self.target_weight if self.target_weight else None

    @property
    def path_expected(self) -> float | None:
        if not self.target_weight:
            return None
        return (self.target_weighted + self.path_offset) / self.target_weight


def village_tally(
    numerator: float, denominator: float, target: float | None, expected: float | None = None
) -> Tally:
    """A reporting village's tally; its target (and the value expected on the target's path,
    the target itself when not given) is weighted by its own denominator."""
    return zone_tally(numerator, denominator, 1, target, expected)


def zone_tally(
    numerator: float,
    denominator: float,
    villages: int,
    target: float | None,
    expected: float | None = None,
) -> Tally:
    """Reporting villages of one zone, already summed (Σ num, Σ den, how many): the same as
    the sum of their village_tally, since they share one target t and Σ t·denᵢ = t·Σ denᵢ."""
    if target is None:
        return Tally(numerator, denominator, 0.0, 0.0, villages)
    offset = 0.0 if expected is None else (expected - target) * denominator
    return Tally(numerator, denominator, target * denominator, denominator, villages, offset)


def roll_up(children: Mapping[K, Tally], parent_of: Callable[[K], P]) -> dict[P, Tally]:
    """Sum the children's tallies into their parents. The one aggregation rule for every level:
    village → township, township → county, county → province, or village → county directly
    (same result)."""
    sums: dict[P, list] = {}
    for key, tally in children.items():
        acc = sums.get(parent := parent_of(key))
        if acc is None:
            sums[parent] = [
                tally.numerator,
                tally.denominator,
                tally.target_weighted,
                tally.target_weight,
                tally.villages_reported,
                tally.path_offset,
            ]
        else:
            acc[0] += tally.numerator
            acc[1] += tally.denominator
            acc[2] += tally.target_weighted
            acc[3] += tally.target_weight
            acc[4] += tally.villages_reported
            acc[5] += tally.path_offset
    return {parent: Tally(*acc) for parent, acc in sums.items()}


def roll_through(children: Mapping, *parent_ofs: Callable) -> dict:
    """Roll up one level after another (village → township → county → province), each step the
    one `roll_up`: so a county's tally is exactly the sum of its townships' and the province's
    the sum of its counties'. With no step, the children as they are."""
    rolled = dict(children)
    for parent_of in parent_ofs:
        rolled = roll_up(rolled, parent_of)
    return rolled


def meets(rate: float | None, target: float | None) -> bool | None:
    if rate is None or target is None:
        return None
    return rate >= target - EPSILON


def status(rate: float | None, target: float | None) -> str:
    """ "meets" | "near" (less than 10 points below) | "behind" | "no_data" | "no_target"."""
    if rate is None:
        return "no_data"
    if target is None:
        return "no_target"
    if rate >= target - EPSILON:
        return "meets"
    if rate >= target - NEAR_POINTS - EPSILON:
        return "near"
    return "behind"


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    numerator: float
    denominator: float
    rate: float | None
    target: float | None
    meets: bool | None
    status: str
    villages_reported: int
    path_expected: float | None = None  # the value expected on the target's path this period
    # "met" | "on_track" | "behind_path" (app/rollups/coverage.honest)
    path_status: str | None = None
    units: int | None = None  # units of the kinds the indicator counts, in this unit
    coverage: float | None = None  # villages_reported ÷ units


@dataclass(frozen=True, slots=True)
class UnitResult:
    code: str
    name: str
    level: str  # "province" | "county" | "township" | "village"
    villages_total: int
    villages_reported: int  # villages that reported at least one section in the period
    indicators: dict[str, IndicatorResult]


def indicator_result(
    tally: Tally, fallback_target: float | None = None, fallback_expected: float | None = None
) -> IndicatorResult:
    """The result shown for a unit. When no reporting village weighs in (nothing reported, or
    every denominator is 0), the target shown is `fallback_target`: the target all the unit's
    villages share, if they share one (and likewise the path's `fallback_expected`). The rate
    is then None, so `meets` stays None."""
    rate = tally.rate
    target = tally.target
    expected = tally.path_expected
    if target is None and rate is None:
        target = fallback_target
        expected = fallback_expected if fallback_expected is not None else fallback_target
    if target is not None:
        # Σ t·w / Σ w with one shared t can come out as 0.7500000000000002; targets are set to
        # 0.1 % at most, so 12 decimals lose nothing and show 0.75.
        target = round(target, 12)
    if expected is not None:
        expected = round(expected, 12)
    return IndicatorResult(
        numerator=tally.numerator,
        denominator=tally.denominator,
        rate=rate,
        target=target,
        meets=meets(rate, target),
        status=status(rate, target),
        villages_reported=tally.villages_reported,
        path_expected=expected,
    )


def shared_target(targets: set[float | None]) -> float | None:
    """The one target of a set of villages' targets, or None when they differ (or none)."""
    return next(iter(targets)) if len(targets) == 1 else None
