"""The roll-up arithmetic on its own: no app, no database. Figures worked out by hand."""

import pytest

from app.rollups.core import (
    Tally,
    indicator_result,
    meets,
    roll_up,
    shared_target,
    status,
    village_tally,
)


def test_a_zero_denominator_gives_no_rate_not_zero():
    assert Tally(0, 0).rate is None
    assert Tally(5, 0).rate is None
    assert Tally(0, 10).rate == 0.0
    assert Tally().target is None


def test_tallies_add_field_by_field():
    total = village_tally(380, 400, 1.0) + village_tally(60, 100, 0.7)
    # 380+60 = 440; 400+100 = 500; 1.0·400 + 0.7·100 = 470; weights 400+100 = 500; 2 villages
    assert total == Tally(440, 500, 470, 500, 2)
    assert total.rate == pytest.approx(0.88)
    assert total.target == pytest.approx(0.94)


def test_rate_is_sum_over_sum_not_the_mean_of_village_rates():
    villages = {"a": village_tally(1, 10, 0.8), "b": village_tally(90, 100, 0.8)}
    county = roll_up(villages, lambda _v: "county")["county"]
    # Σ/Σ = 91/110 = 0.82727…; the mean of rates would be (0.1 + 0.9)/2 = 0.5
    assert county.rate == pytest.approx(91 / 110)
    assert county.rate != pytest.approx(0.5)
    assert status(county.rate, county.target) == "meets"  # 0.827 ≥ 0.80; a mean would be behind


def test_roll_up_is_the_same_in_one_step_or_two():
    village_township = {"v1": "t1", "v2": "t1", "v3": "t2"}
    villages = {
        "v1": village_tally(10, 20, 1.0),
        "v2": village_tally(5, 30, 0.7),
        "v3": village_tally(0, 50, 1.0),
    }
    townships = roll_up(villages, village_township.__getitem__)
    # t1: 15/50, target (20·1.0 + 30·0.7)/50 = 41/50 = 0.82; t2: 0/50, target 1.0
    assert townships["t1"] == Tally(15, 50, 41, 50, 2)
    assert townships["t2"] == Tally(0, 50, 50, 50, 1)
    two_steps = roll_up(townships, lambda _t: "c")["c"]
    one_step = roll_up(villages, lambda _v: "c")["c"]
    assert two_steps == one_step == Tally(15, 100, 91, 100, 3)


def test_mixed_zone_target_is_weighted_so_meets_is_honest():
    # plain village 400 households (target 1.00) + mountain village 100 (target 0.70):
    # target = (400 + 70)/500 = 0.94. 470 clean households meet it exactly, 469 do not.
    exact = village_tally(400, 400, 1.0) + village_tally(70, 100, 0.7)
    assert exact.target == pytest.approx(0.94)
    assert meets(exact.rate, exact.target) is True
    short = village_tally(399, 400, 1.0) + village_tally(70, 100, 0.7)
    assert meets(short.rate, short.target) is False  # 469/500 = 0.938 < 0.94
    assert status(short.rate, short.target) == "near"


def test_status_bands():
    assert status(None, 0.9) == "no_data"
    assert status(None, None) == "no_data"
    assert status(0.5, None) == "no_target"
    assert status(0.9, 0.9) == "meets"
    assert status(0.7, 0.7) == "meets"  # 7/10 against 0.7: float noise must not fail it
    assert status(0.6, 0.7) == "near"  # exactly 10 points below is still near
    assert status(0.80, 0.90) == "near"
    assert status(0.7999, 0.90) == "behind"
    assert status(0.0, 0.4) == "behind"


def test_meets_needs_a_rate_and_a_target():
    assert meets(None, 0.9) is None
    assert meets(0.9, None) is None
    assert meets(0.95, 0.9) is True


def test_village_without_target_adds_no_weight():
    tally = village_tally(3, 10, None) + village_tally(8, 10, 0.5)
    # rate 11/20 = 0.55; target only from the second village: 0.5·10/10 = 0.5
    assert tally.rate == pytest.approx(0.55)
    assert tally.target == pytest.approx(0.5)


def test_indicator_result_uses_the_shared_target_only_when_nothing_is_weighed():
    nothing = indicator_result(Tally(), fallback_target=0.75)
    assert (nothing.rate, nothing.target, nothing.meets, nothing.status) == (
        None,
        0.75,
        None,
        "no_data",
    )
    zero_den = indicator_result(village_tally(0, 0, 0.9), fallback_target=0.9)
    assert (zero_den.rate, zero_den.target, zero_den.villages_reported) == (None, 0.9, 1)
    # a real weighted target always wins over the fallback
    weighted = indicator_result(village_tally(7, 10, 0.7), fallback_target=1.0)
    assert (weighted.rate, weighted.target, weighted.meets, weighted.status) == (
        0.7,
        0.7,
        True,
        "meets",
    )


def test_shared_target():
    assert shared_target({1.0}) == 1.0
    assert shared_target({1.0, 0.7}) is None
    assert shared_target(set()) is None
    assert shared_target({None}) is None
