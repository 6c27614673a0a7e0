"""Estimates stored by the server, worked out by hand from the seeded coefficients
(app/data/coefficients.json), on SQLite and PostgreSQL: each species, each crop, film both ways;
the coefficient editions an estimate used; a later edition applying from its date; an estimate
that breaks a rule; a coefficient missing; a measured figure overriding the estimate."""

import json
import uuid
from datetime import date

import pytest

from app.extensions import db
from app.formdefs.coefficients import add_edition
from app.models import Answer, AuditEvent, Coefficient, Inspection, User
from tests.api_payloads import INSPECTOR_TOWNSHIP, OWN_VILLAGE, add_user, bearer

URL = "/api/v1/inspections"


@pytest.fixture
def inspector(seeded):
    user_id = add_user(seeded, "inspector", INSPECTOR_TOWNSHIP)
    return user_id, {**bearer(seeded, user_id), "Accept-Language": "en"}


def submit(client, headers, sections, inspected_on="2026-11-20", households=380):
    payload = {
        "client_uuid": str(uuid.uuid4()),
        "village_code": OWN_VILLAGE,
        "inspected_on": inspected_on,
        "households": households,
        "sections": sections,
    }
    return client.post(URL, json=payload, headers=headers)


def answer(app, inspection_id, section, field):
    with app.app_context():
        row = db.session.execute(
            db.select(Answer).where(
                Answer.inspection_id == inspection_id,
                Answer.section == section,
                Answer.field == field,
            )
        ).scalar_one_or_none()
        return None if row is None else (row.value_num, row.value_text, row.basis, row.coefficients)


MANURE_UTILISED_0 = {"utilised_t": 0}
CASES = [
    # (section answers, field, hand-worked tonnes)
    ({"pigs_turnoff": 1200, **MANURE_UTILISED_0}, "manure", 1265.64),  # (2.0+3.3)×199×1200÷1000
    ({"sows": 50, **MANURE_UTILISED_0}, "manure", 96.725),  # (2.0+3.3)×365×50÷1000
    ({"dairy": 60, **MANURE_UTILISED_0}, "manure", 657.0),  # (20+10)×365×60÷1000
    ({"beef_cattle": 60, **MANURE_UTILISED_0}, "manure", 219.0),  # 10×365×60÷1000
    ({"sheep": 300, **MANURE_UTILISED_0}, "manure", 284.7),  # 2.6×365×300÷1000
    ({"layers": 2000, **MANURE_UTILISED_0}, "manure", 87.6),  # 0.12×365×2000÷1000
    ({"broilers_turnoff": 10000, **MANURE_UTILISED_0}, "manure", 66.0),  # 0.12×55×10000÷1000
    ({"maize_mu": 2400, "maize_yield_kg_mu": 450}, "straw", 997.92),  # 1080 t × 1.2 × 0.77
    ({"wheat_mu": 100, "wheat_yield_kg_mu": 300}, "straw", 25.41),  # 30 t × 1.1 × 0.77
    ({"millet_mu": 500, "millet_yield_kg_mu": 200}, "straw", 123.2),  # 100 t × 1.6 × 0.77
    ({"sorghum_mu": 100, "sorghum_yield_kg_mu": 400}, "straw", 49.28),  # 40 t × 1.6 × 0.77
    ({"soybean_mu": 200, "soybean_yield_kg_mu": 150}, "straw", 34.65),  # 30 t × 1.5 × 0.77
    ({"potato_mu": 300, "potato_yield_kg_mu": 1500}, "straw", 246.015),  # 450 t × 0.71 × 0.77
    ({"mulched_mu": 1000, "recovered_t": 1}, "film", 5.1),  # 1000 亩 × 5.1 kg ÷ 1000
    ({"bought_kg": 1500, "mulched_mu": 1000, "recovered_t": 1}, "film", 1.5),  # bought wins
]
CALCULATED = {"manure": "produced_t", "straw": "produced_t", "film": "used_t"}


@pytest.mark.parametrize("answers, section, tonnes", CASES, ids=[str(c[0]) for c in CASES])
def test_each_estimate_from_the_seeded_coefficients(
    seeded, client, inspector, answers, section, tonnes
):
    _user, headers = inspector
    response = submit(client, headers, {section: answers})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    field = CALCULATED[section]
    assert body["sections"][section][field] == pytest.approx(tonnes, abs=1e-9)
    basis = body["basis"][section][field]
    assert basis["basis"] == "estimated" and basis["unverified"] is False
    value, _text, stored_basis, used = answer(seeded, body["id"], section, field)
    assert (value, stored_basis) == (pytest.approx(tonnes, abs=1e-9), "estimated")
    assert json.loads(used) == basis["coefficients"]
    if section == "film" and "bought_kg" in answers:
        assert basis["coefficients"] == []  # kg bought ÷ 1000: no coefficient
    else:
        assert basis["coefficients"] and all(c["id"] for c in basis["coefficients"])


def test_the_issue_village_and_what_it_records(seeded, client, inspector):
    """1,200 pigs and 60 cattle (30 dairy, 30 beef), 2,400 亩 of maize at 450 kg/亩."""
    _user, headers = inspector
    response = submit(
        client,
        headers,
        {
            "manure": {"pigs_turnoff": 1200, "dairy": 30, "beef_cattle": 30, "utilised_t": 1500},
            "straw": {"maize_mu": 2400, "maize_yield_kg_mu": 450, "fertiliser_t": 500},
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    # 1265.64 + 30 × 30 × 365 ÷ 1000 (328.5) + 30 × 10 × 365 ÷ 1000 (109.5) = 1703.64 t
    assert body["sections"]["manure"]["produced_t"] == pytest.approx(1703.64, abs=1e-9)
    used = {
        c["key"]: (c["value"], c["grade"])
        for c in body["basis"]["manure"]["produced_t"]["coefficients"]
    }
    assert used == {
        "manure.pig.faeces_kg_d": (2.0, "C"),
        "manure.pig.days": (199.0, "C"),
        "manure.pig.urine_kg_d": (3.3, "C"),
        "manure.dairy.faeces_kg_d": (20.0, "C"),
        "manure.dairy.days": (365.0, "A"),
        "manure.dairy.urine_kg_d": (10.0, "C"),
        "manure.beef.faeces_kg_d": (10.0, "C"),
        "manure.beef.days": (365.0, "C"),
    }
    # beef counted without saying how: the county's setting (stock) is stored with it
    assert answer(seeded, body["id"], "manure", "beef_basis")[1] == "stock"
    assert answer(seeded, body["id"], "manure", "sheep_basis") is None  # no sheep counted
    assert answer(seeded, body["id"], "manure", "pigs_turnoff")[2] is None  # a count: no basis
    assert body["sections"]["straw"]["produced_t"] == pytest.approx(997.92, abs=1e-9)


def test_a_new_edition_applies_from_its_date_and_an_unverified_one_is_flagged(
    seeded, client, inspector
):
    user_id, headers = inspector
    with seeded.app_context():
        admin = db.session.get(User, user_id)
        add_edition(
            "manure.pig.days", 180, date(2026, 11, 1), admin, grade="U", source="test: 规模场 180 d"
        )
        db.session.commit()
    before = submit(
        client, headers, {"manure": {"pigs_turnoff": 1200, "utilised_t": 0}}, "2026-10-31"
    )
    after = submit(
        client, headers, {"manure": {"pigs_turnoff": 1200, "utilised_t": 0}}, "2026-11-20"
    )
    old, new = before.get_json(), after.get_json()
    assert old["sections"]["manure"]["produced_t"] == pytest.approx(1265.64, abs=1e-9)
    assert new["sections"]["manure"]["produced_t"] == pytest.approx(1144.8, abs=1e-9)  # ×180
    days = {c["key"]: c for c in new["basis"]["manure"]["produced_t"]["coefficients"]}
    assert days["manure.pig.days"]["applies_from"] == "2026-11-01"
    assert days["manure.pig.days"]["unverified"] is True
    assert new["basis"]["manure"]["produced_t"]["unverified"] is True
    assert old["basis"]["manure"]["produced_t"]["unverified"] is False


def test_an_estimate_that_breaks_a_rule_is_refused(seeded, client, inspector):
    _user, headers = inspector
    # 100 pigs: 5.3 × 199 × 100 ÷ 1000 = 105.47 t produced, but 500 t utilised
    response = submit(client, headers, {"manure": {"pigs_turnoff": 100, "utilised_t": 500}})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "sections.manure.utilised_t": ["Manure utilised cannot exceed manure produced (105.47 t)"]
    }
    with seeded.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Inspection)) == 0


def test_nothing_to_estimate_from_is_required(seeded, client, inspector):
    _user, headers = inspector
    # millet has no default 单产: its area alone estimates nothing (maize's would: see below)
    response = submit(client, headers, {"straw": {"millet_mu": 2400, "fertiliser_t": 10}})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "sections.straw.produced_t": [
            "Collectable straw is required: enter a measured figure, or the counts to estimate "
            "it from"
        ]
    }


def test_a_missing_coefficient_makes_the_estimate_unavailable(seeded, client, inspector):
    _user, headers = inspector
    with seeded.app_context():
        db.session.execute(db.delete(Coefficient).where(Coefficient.key == "straw.collectable"))
        db.session.commit()
    response = submit(client, headers, {"straw": {"maize_mu": 10, "maize_yield_kg_mu": 400}})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "sections.straw.produced_t": [
            "Collectable straw cannot be estimated: coefficient straw.collectable is missing; "
            "enter a measured figure"
        ]
    }


def test_a_measured_figure_overrides_the_estimate_also_on_edit(seeded, client, inspector):
    _user, headers = inspector
    created = submit(client, headers, {"manure": {"pigs_turnoff": 1200, "utilised_t": 100}})
    body = created.get_json()
    assert body["basis"]["manure"]["produced_t"]["basis"] == "estimated"
    payload = {
        "client_uuid": body["client_uuid"],
        "village_code": OWN_VILLAGE,
        "inspected_on": "2026-11-20",
        "households": 380,
        "sections": {"manure": {"pigs_turnoff": 1200, "produced_t": 1300, "utilised_t": 100}},
    }
    edited = client.put(f"{URL}/{body['id']}", json=payload, headers=headers)
    assert edited.status_code == 200, edited.get_json()
    assert answer(seeded, body["id"], "manure", "produced_t") == (1300, None, "measured", None)


def test_a_correction_keeps_the_editions_its_estimate_recorded(seeded, client, inspector):
    """Issue 25, finding 14: an edition added after an inspection was stored (and applying to
    its date) does not change its estimate when only the households are corrected; a new
    inspection of the same day uses the new edition."""
    user_id, headers = inspector
    created = submit(client, headers, {"manure": {"pigs_turnoff": 100, "utilised_t": 0}})
    body = created.get_json()
    # 100 pigs: (2.0 + 3.3) × 199 × 100 ÷ 1000 = 105.47 t
    assert body["sections"]["manure"]["produced_t"] == pytest.approx(105.47, abs=1e-9)
    with seeded.app_context():
        admin = db.session.get(User, user_id)
        add_edition("manure.pig.days", 365, date(2026, 10, 1), admin, source="test: 365 d")
        db.session.commit()
    corrected = {
        "client_uuid": body["client_uuid"],
        "village_code": OWN_VILLAGE,
        "inspected_on": "2026-11-20",
        "households": 381,
        "sections": {"manure": {"pigs_turnoff": 100, "utilised_t": 0}},
    }
    edited = client.put(f"{URL}/{body['id']}", json=corrected, headers=headers)
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["sections"]["manure"]["produced_t"] == pytest.approx(105.47, abs=1e-9)
    days = {
        c["key"]: c["value"]
        for c in edited.get_json()["basis"]["manure"]["produced_t"]["coefficients"]
    }
    assert days["manure.pig.days"] == 199
    fresh = submit(client, headers, {"manure": {"pigs_turnoff": 100, "utilised_t": 0}})
    # 5.3 × 365 × 100 ÷ 1000 = 193.45 t
    assert fresh.get_json()["sections"]["manure"]["produced_t"] == pytest.approx(193.45, abs=1e-9)


def test_recompute_estimates_lists_then_applies_the_editions_in_force(seeded, client, inspector):
    """The repair command (issue 25): a dry run lists, --apply writes and audits, a second run
    finds nothing; an infinity stored before the finite checks is repaired too."""
    user_id, headers = inspector
    first = submit(client, headers, {"manure": {"pigs_turnoff": 100, "utilised_t": 0}}).get_json()
    second = submit(client, headers, {"manure": {"pigs_turnoff": 200, "utilised_t": 0}}).get_json()
    with seeded.app_context():
        add_edition(
            "manure.pig.days", 365, date(2026, 10, 1), db.session.get(User, user_id), source="t"
        )
        db.session.execute(
            db.update(Answer)
            .where(Answer.inspection_id == second["id"], Answer.field == "produced_t")
            .values(value_num=float("inf"))
        )
        db.session.commit()
    runner = seeded.test_cli_runner()
    dry = runner.invoke(args=["recompute-estimates"])
    assert dry.exit_code == 0, dry.output
    # 5.3 × 365 × 100 ÷ 1000 = 193.45 t; × 200 pigs = 386.9 t
    assert f"{first['id']}\tmanure.produced_t\t105.47\t→ 193.45" in dry.output
    assert f"{second['id']}\tmanure.produced_t\tinf\t→ 386.9" in dry.output
    assert "2 estimates would change" in dry.output
    assert answer(seeded, first["id"], "manure", "produced_t")[0] == pytest.approx(105.47)

    applied = runner.invoke(args=["recompute-estimates", "--apply"])
    assert applied.exit_code == 0 and "2 estimates written" in applied.output
    assert answer(seeded, first["id"], "manure", "produced_t")[0] == pytest.approx(193.45)
    assert answer(seeded, second["id"], "manure", "produced_t")[0] == pytest.approx(386.9)
    with seeded.app_context():
        audited = db.session.execute(
            db.select(AuditEvent.object_id, AuditEvent.details)
            .where(AuditEvent.action == "inspection.reestimate")
            .order_by(AuditEvent.id)
        ).all()
    assert [(int(i), d["changes"][0]["before"]) for i, d in audited] == [
        (first["id"], 105.47),
        (second["id"], "inf"),
    ]
    again = runner.invoke(args=["recompute-estimates"])
    assert "0 estimates would change" in again.output


def test_maize_area_alone_is_estimated_from_the_default_yield(seeded, client, inspector):
    """Issue 20: 亩 alone gives a straw estimate from the default 单产 (435.5 kg/亩, grade U,
    so the estimate is marked as using unverified coefficients): 2,400 亩 × 435.5 kg ÷ 1,000 =
    1,045.2 t × 1.2 × 0.77 = 965.7648 t, stored to the kg as 965.765."""
    _user, headers = inspector
    response = submit(client, headers, {"straw": {"maize_mu": 2400, "fertiliser_t": 10}})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["sections"]["straw"]["produced_t"] == 965.765
    basis = body["basis"]["straw"]["produced_t"]
    assert (basis["basis"], basis["unverified"]) == ("estimated", True)
    used = [c["key"] for c in basis["coefficients"]]
    assert used == ["straw.maize.yield_kg_mu", "straw.maize.ratio", "straw.collectable"]
