"""Every number the county enters is finite and inside a bound its data defines.

The re-test added a coefficient edition of `Infinity`, `1e400` or `1e308`: the next estimate was
stored as inf and every dashboard, `/map` and the exports answered 500; `NaN` gave a 500 on the
form. An edition is now a finite number from 0 to max_factor (10) × the seeded value and at most
its unit's cap (app/data/coefficients.json `bounds`), and an estimate that still comes out
non-finite (a value stored before the bound) is refused at the door, never stored.
"""

import json
from datetime import UTC, date, datetime

import pytest

from app.extensions import db
from app.formdefs.coefficients import add_edition, edition_bound
from app.models import Answer, Coefficient, Inspection, User
from tests.api_payloads import INSPECTOR_TOWNSHIP, OWN_VILLAGE, add_user, bearer
from tests.formdefs.test_coefficients import login
from tests.rollup_helpers import add_inspection, set_zone


def test_the_bounds_come_from_the_seeded_values():
    assert edition_bound("straw.collectable") == pytest.approx(7.7)  # 0.77 × 10
    assert edition_bound("manure.pig.faeces_kg_d") == pytest.approx(20.0)  # 2.0 × 10
    assert edition_bound("manure.pig.days") == 366  # 199 × 10 capped by 日
    assert edition_bound("no.such.key") is None


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("straw.collectable", "Infinity", "A coefficient is a number of 0 or more"),
        ("straw.collectable", "NaN", "A coefficient is a number of 0 or more"),
        ("straw.collectable", "1e400", "At most 7.7 for this coefficient"),
        ("straw.collectable", "1e308", "At most 7.7 for this coefficient"),
        ("straw.collectable", "7.71", "At most 7.7 for this coefficient"),
        ("manure.pig.days", "367", "At most 366 for this coefficient"),
    ],
)
def test_an_edition_out_of_bounds_is_refused_and_nothing_stored(
    seeded, client, key, value, message
):
    login(client, seeded, "county_admin")
    data = {
        "key": key,
        "value": value,
        "applies_from": "2026-12-01",
        "grade": "B",
        "scope": "",
        "source": "ledger",
    }
    response = client.post("/admin/coefficients?lang=en", data=data)
    assert response.status_code == 422, response.get_json()
    assert message in response.get_data(as_text=True)
    with seeded.app_context():
        count = db.session.scalar(
            db.select(db.func.count()).select_from(Coefficient).where(Coefficient.key == key)
        )
        assert count == 1


def test_an_edition_at_its_bound_is_accepted(seeded, client):
    login(client, seeded, "county_admin")
    data = {
        "key": "manure.pig.days",
        "value": "366",
        "applies_from": "2026-12-01",
        "grade": "B",
        "scope": "",
        "source": "ledger",
    }
    assert client.post("/admin/coefficients?lang=en", data=data).status_code == 303


def test_a_non_finite_estimate_is_refused_not_stored(seeded, client):
    """An edition stored before the bound existed (1e308 kg a day): 1,000 pigs overflow."""
    user_id = add_user(seeded, "inspector", INSPECTOR_TOWNSHIP)
    with seeded.app_context():
        admin = db.session.get(User, user_id)
        add_edition("manure.pig.faeces_kg_d", 1e308, date(2026, 1, 1), admin, source="old")
        db.session.commit()
    response = client.post(
        "/api/v1/inspections",
        json={
            "client_uuid": "5b0e8d55-5a0e-4a8e-9d55-0d0f6a1f0b01",
            "village_code": OWN_VILLAGE,
            "inspected_on": "2026-11-20",
            "households": 380,
            "sections": {"manure": {"pigs_turnoff": 1000, "utilised_t": 10}},
        },
        headers={**bearer(seeded, user_id), "Accept-Language": "en"},
    )
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"]["sections.manure.produced_t"] == [
        "Manure produced: the estimate is out of range; check the counts or enter a measured figure"
    ]
    with seeded.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Inspection)) == 0


def test_a_non_finite_value_stored_before_does_not_break_the_rollup(seeded, make_user, client):
    """Scenario of tests/api/test_rollup_api.py (2026Q1): 380 + 60 + 5 households heat cleanly
    of 550. The 380 was stored as inf by the old door: the roll-up answers 200 and leaves that
    answer out (60 + 5 = 65 of 550) instead of failing for everyone."""
    admin = make_user("county_admin")
    seeded.config["CLOCK"] = lambda: datetime(2026, 5, 15, 4, 0, tzinfo=UTC)
    with seeded.app_context():
        set_zone("140225101200", "plain")
        set_zone("140225101201", "mountain")
        add_inspection(admin, "140225101200", date(2026, 2, 1), 400, heating={"central": 380})
        add_inspection(admin, "140225101201", date(2026, 2, 1), 100, heating={"biomass": 60})
        add_inspection(admin, "140225102200", date(2026, 2, 1), 50, heating={"gas": 5})
        db.session.execute(
            db.update(Answer)
            .where(Answer.field == "central", Answer.value_num == 380)
            .values(value_num=float("inf"))
        )
        db.session.commit()
    response = client.get(
        "/api/v1/rollup?level=county&period=2026Q1", headers=bearer(seeded, admin)
    )
    assert response.status_code == 200
    heating = response.get_json()["units"][0]["indicators"]["clean_heating"]
    assert (heating["numerator"], heating["denominator"]) == (65, 550)


@pytest.mark.parametrize(
    "literal, status, errors",
    [
        ("NaN", 400, None),  # not JSON (RFC 8259): malformed_json
        ("Infinity", 400, None),
        ("-Infinity", 400, None),
        ("1e400", 422, ["sections.manure.produced_t"]),  # parses as inf: refused by its field
        ("1e308", 422, ["sections.manure.produced_t"]),  # finite, above the field's max
    ],
)
def test_a_non_finite_answer_is_refused_at_the_door(seeded, client, literal, status, errors):
    """An answer is a finite number inside its field's min and max (forms/*.json), or the
    submission is refused, naming the field where it parsed, and nothing is stored."""
    user_id = add_user(seeded, "inspector", INSPECTOR_TOWNSHIP)
    headers = {**bearer(seeded, user_id), "Accept-Language": "en"}
    document = {
        "client_uuid": "6b0f8a3e-7c0e-4a53-9f3e-2d3c4b5a6f70",
        "village_code": OWN_VILLAGE,
        "inspected_on": "2026-11-20",
        "households": 380,
        "sections": {"manure": {"pigs_turnoff": 10, "produced_t": "LITERAL", "utilised_t": 0}},
    }
    body = json.dumps(document).replace('"LITERAL"', literal)  # what json.dumps never writes
    response = client.post(
        "/api/v1/inspections", data=body, content_type="application/json", headers=headers
    )
    assert response.status_code == status, response.get_json()
    if errors is None:
        assert response.get_json()["error"]["code"] == "malformed_json"
    else:
        assert list(response.get_json()["errors"]) == errors
    with seeded.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Inspection)) == 0
