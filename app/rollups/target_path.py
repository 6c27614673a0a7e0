"""Targets on a path: where a unit is expected to be in a quarter, given where it started and
when the target must be reached. Pure (no Flask, no database), so the rule can be worked by hand.

The plan states a baseline (e.g. clean heating 33.9 % of households at 2020-12-31) and a
deadline (plain areas 100 % by 2023-12-31). Without a path, every quarter before the deadline
is judged against the final target, and 2021 reads 落后 although the county is where the plan
wants it. The rule:

- the expected value of a period is the straight line from (baseline date, baseline value) to
  (deadline, target value), evaluated at the period's END date (a quarter is judged by what it
  should have reached when it closes);
- before the baseline date it is the baseline value, from the deadline on the target value;
- a target without a baseline or a deadline has a flat path: the expected value is the target.

A unit's status against the path: `met` when its rate reaches the final target, `on_track`
when it reaches the expected value, else `behind_path`; None without a rate (or with too few
reports to judge, see app/rollups/coverage.py). Equality counts as reached, up to rounding noise.
"""

from dataclasses import dataclass
from datetime import date

EPSILON = 1e-9
PATH_STATUSES = ("met", "on_track", "behind_path")


@dataclass(frozen=True, slots=True)
class TargetPath:
    value: float  # the final target, a fraction
    baseline_value: float | None = None
    baseline_date: date | None = None
    deadline: date | None = None

    @property
    def has_path(self) -> bool:
        return (
            self.baseline_value is not None
            and self.baseline_date is not None
            and self.deadline is not None
            and self.deadline > self.baseline_date
        )


def expected(path: TargetPath, on: date) -> float:
    """The value expected on `on` (a fraction)."""
    if not path.has_path:
        return path.value
    assert path.baseline_value is not None and path.baseline_date and path.deadline  # for mypy
    if on <= path.baseline_date:
        return path.baseline_value
    if on >= path.deadline:
        return path.value
    elapsed = (on - path.baseline_date).days
    span = (path.deadline - path.baseline_date).days
    return path.baseline_value + (path.value - path.baseline_value) * elapsed / span


def path_status(rate: float | None, target: float | None, expected_value: float | None):
    """ "met" | "on_track" | "behind_path", or None when there is no rate or no target."""
    if rate is None or target is None:
        return None
    if rate >= target - EPSILON:
        return "met"
    if expected_value is not None and rate >= expected_value - EPSILON:
        return "on_track"
    return "behind_path"
