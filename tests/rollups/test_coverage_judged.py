"""`coverage.judged` is honest(indicator_result(...)) in one step (issue 21: the counties' table
judges 960 figures a request): it must give the same result, field for field, in every case."""

import itertools

import pytest

from app.rollups.core import Tally, indicator_result, zone_tally
from app.rollups.coverage import honest, judged

TALLIES = [
    Tally(),  # nothing reported
    Tally(0.0, 0.0, 0.0, 0.0, 3),  # reported, every denominator 0
    zone_tally(70.0, 100.0, 4, 0.7),  # exactly the target: meets
    zone_tally(65.0, 100.0, 4, 0.7),  # 5 points below: near
    zone_tally(40.0, 100.0, 4, 0.7),  # behind
    zone_tally(40.0, 100.0, 4, 0.7, 0.35),  # behind the target, on its path
    zone_tally(30.0, 100.0, 4, 0.7, 0.35),  # behind the path
    zone_tally(50.0, 100.0, 4, None),  # no target
    zone_tally(70.0, 100.0, 3, 0.7) + zone_tally(80.0, 100.0, 1, 1.0),  # two zones: 0.85
]
FALLBACKS = [(None, None), (0.7, None), (0.7, 0.5), (None, 0.5)]
UNITS = [0, 4, 5, 10]  # 4 of 5 is 0.8, on the threshold; 4 of 10 thin; 0: no unit counted


CASES = list(itertools.product(TALLIES, FALLBACKS, UNITS))


@pytest.mark.parametrize(("tally", "fallback", "units"), CASES)
def test_judged_is_honest_of_indicator_result(tally, fallback, units):
    two_steps = honest(indicator_result(tally, *fallback), units, 0.8)
    assert judged(tally, *fallback, units, 0.8) == two_steps


def test_a_few_worked_by_hand():
    near = judged(zone_tally(65.0, 100.0, 4, 0.7), None, None, 5, 0.8)
    assert (near.rate, near.target, near.status, near.meets, near.coverage) == (
        0.65, 0.7, "near", False, 0.8,
    )  # fmt: skip
    thin = judged(zone_tally(70.0, 100.0, 4, 0.7), None, None, 10, 0.8)
    assert (thin.status, thin.meets, thin.path_status, thin.coverage) == (
        "insufficient_data", None, None, 0.4,
    )  # fmt: skip
    nothing = judged(Tally(), 0.7, None, 5, 0.8)
    assert (nothing.status, nothing.target, nothing.path_expected) == ("no_data", 0.7, 0.7)
