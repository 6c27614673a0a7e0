"""A form's Σ ≤ limit rule on its boundary (app/formdefs/constraints.py), worked out by hand:
the arithmetic itself, then the same boundary through the inspection schema. The server's
answer is in tests/inspections/test_sum_boundary.py, the phone's in
tests/formdefs/test_form_rules.py (the same bodies through form-rules.js)."""

import pytest
from marshmallow import ValidationError

from app import create_app
from app.clock import county_today
from app.formdefs.constraints import exceeds, shown_limit, total
from app.formdefs.registry import current_forms
from tests.api_payloads import NOON_28_NOV, changed, fixed_clock, valid_payload

# Six straw routes whose decimal sum is exactly 5 959 727.861 t (checked digit by digit:
# 635734.720 + 1505984.702 + 1341788.860 + 936635.160 + 431437.224 + 1108147.195).
ROUTES = {
    "fertiliser_t": 635734.72,
    "feed_t": 1505984.702,
    "fuel_t": 1341788.86,
    "base_material_t": 936635.16,
    "raw_material_t": 431437.224,
    "direct_return_t": 1108147.195,
}
PRODUCED = 5959727.861


def test_terms_that_add_up_exactly_to_the_limit_pass():
    # In doubles, left to right, they come to two units in the last place over (2 × 2⁻³⁰):
    # the old absolute tolerance of 1e-9 refused them.
    assert total(ROUTES.values()) - PRODUCED == 2**-29
    assert not exceeds(total(ROUTES.values()), PRODUCED)
    assert not exceeds(0.1 + 0.2, 0.3)
    assert not exceeds(120, 120)


def test_one_kilogram_or_one_household_over_the_limit_is_refused():
    assert exceeds(total([*ROUTES.values(), 0.001]), PRODUCED)
    assert exceeds(0.301, 0.3)
    assert exceeds(121, 120)


@pytest.mark.parametrize(
    "limit, shown",
    [
        (120, "120"),  # a whole number (households) as is
        (8.0, "8"),
        (999999.5, "999999.5"),  # `:g` said 1e+06, a figure that is refused
        (5959727.861, "5959727.861"),
        (12.3456, "12.345"),  # nearest is 12.346, itself over: one step down
        (12.3454, "12.345"),
        (5.3 * 199 * 100 / 1000, "105.47"),  # 105.47 within the tolerance of the double
        (7 * 5.3 * 199 / 1000, "7.382"),  # 7.3829 t; round(…, 3) said 7.383
        (0.00001, "0"),
        (-0.0, "0"),
    ],
)
def test_the_limit_a_message_shows_is_one_that_passes(limit, shown):
    assert shown_limit(limit) == shown
    assert not exceeds(float(shown), limit)


@pytest.fixture(scope="module")
def schema_app():
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": "sqlite://",
            "SECRET_KEY": "constraints-test-" + "x" * 32,
            "CLOCK": fixed_clock(NOON_28_NOV),
        }
    )


def schema_errors(app, payload: dict, lang: str) -> dict:
    with app.app_context():
        try:
            current_forms().inspection_schemas[lang](today=county_today()).load(payload)
        except ValidationError as error:
            return error.messages
    return {}


def straw(produced: float, **routes) -> dict:
    return changed(valid_payload(), "sections.straw", {"produced_t": produced, **routes})


def test_the_schema_takes_the_exact_sum_and_refuses_a_kilogram_more(schema_app):
    assert schema_errors(schema_app, straw(PRODUCED, **ROUTES), "zh") == {}
    over = straw(PRODUCED, **{**ROUTES, "direct_return_t": 1108147.196})
    refused = "五种利用途径与直接还田合计不能超过可收集量（5959727.861 吨）"
    assert schema_errors(schema_app, over, "zh") == {
        "sections": {"straw": {"fertiliser_t": [refused]}}
    }
    film = changed(valid_payload(), "sections.film", {"used_t": 12.3456, "recovered_t": 12.346})
    assert schema_errors(schema_app, film, "en") == {
        "sections": {"film": {"recovered_t": ["Film recovered cannot exceed film used (12.345 t)"]}}
    }
