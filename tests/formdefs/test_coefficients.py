"""Coefficients as data: seeded from app/data/coefficients.json with their grades (U flagged
unverified), listed at GET /api/v1/coefficients, and appended (never changed) by a county admin on
/admin/coefficients, who sees each edition's source; the county's count basis for sheep and beef
cattle is stored with each count."""

import json
import uuid

import pytest

from app.extensions import db
from app.formdefs.coefficients import SEED_FILE, seed_coefficients
from app.models import Answer, Coefficient, InspectionRevision, User
from tests.api_payloads import INSPECTOR_TOWNSHIP, OWN_VILLAGE, add_user, bearer

SEEDED = json.loads(SEED_FILE.read_text())["coefficients"]


def login(client, app, role, township=None):
    user_id = add_user(app, role, township, password="correct horse battery")
    with app.app_context():
        username = db.session.get(User, user_id).username
    client.post("/login", data={"username": username, "password": "correct horse battery"})
    return user_id


def test_every_seeded_coefficient_is_listed_with_its_grade(seeded, client):
    user_id = add_user(seeded, "inspector", INSPECTOR_TOWNSHIP)
    response = client.get("/api/v1/coefficients", headers=bearer(seeded, user_id))
    assert response.status_code == 200
    body = response.get_json()
    listed = {c["key"]: c for c in body["coefficients"]}
    assert len(body["coefficients"]) == len(SEEDED) == 32  # 29 + 3 default yields (issue 20)
    assert {k: (c["value"], c["grade"]) for k, c in listed.items()} == {
        s["key"]: (float(s["value"]), s["grade"]) for s in SEEDED
    }
    pig_days = listed["manure.pig.days"]
    assert pig_days["value"] == 199 and pig_days["unit"] == "日" and pig_days["in_force"]
    assert pig_days["applies_from"] == "2020-01-01" and "附件4" in pig_days["source"]
    assert pig_days["label"] == {
        "zh": "生猪饲养期（按出栏计）",
        "en": "Fattening pig: days kept (per pig turned off)",
    }
    unverified = sorted(k for k, c in listed.items() if c["unverified"])
    assert unverified == sorted(k for k, c in listed.items() if c["grade"] == "U")
    assert unverified == [
        "manure.pe.beef",
        "manure.pe.dairy",
        "manure.pe.n_kg_a",
        "manure.pe.p_kg_a",
        "manure.pe.poultry",
        "manure.pe.sheep",
        "straw.maize.yield_kg_mu",
        "straw.soybean.yield_kg_mu",
        "straw.wheat.yield_kg_mu",
    ]


def test_seeding_again_adds_nothing_and_keeps_an_admins_edition(seeded):
    with seeded.app_context():
        assert seed_coefficients() == 0
        db.session.commit()


def test_a_county_admin_appends_an_edition_and_sees_the_sources(seeded, client):
    login(client, seeded, "county_admin")
    page = client.get("/admin/coefficients?lang=en").get_data(as_text=True)
    assert "Bi Y.Y., doctoral thesis, CAAS 2010" in page  # the source of straw.collectable
    assert page.count('class="flag-unverified"') == 9  # the nine U values
    with seeded.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(Coefficient))
    response = client.post(
        "/admin/coefficients?lang=en",
        data={
            "key": "manure.pig.days",
            "value": "180",
            "applies_from": "2026-11-01",
            "grade": "B",
            "scope": "Shanxi, 规模场",
            "source": "provincial manual (test)",
        },
    )
    assert response.status_code == 303
    with seeded.app_context():
        rows = (
            db.session.execute(
                db.select(Coefficient)
                .where(Coefficient.key == "manure.pig.days")
                .order_by(Coefficient.applies_from)
            )
            .scalars()
            .all()
        )
        assert [(r.value, r.applies_from.isoformat(), r.grade) for r in rows] == [
            (199, "2020-01-01", "C"),  # kept, never changed
            (180, "2026-11-01", "B"),
        ]
        assert rows[1].label_zh == rows[0].label_zh and rows[1].unit == "日"
        assert db.session.scalar(db.select(db.func.count()).select_from(Coefficient)) == before + 1
    page = client.get("/admin/coefficients?lang=en").get_data(as_text=True)
    assert "provincial manual (test)" in page
    chinese = client.get("/admin/coefficients?lang=zh").get_data(as_text=True)
    assert "估算系数" in chinese and "生猪饲养期（按出栏计）" in chinese and "未核实" in chinese


@pytest.mark.parametrize(
    "change, message",
    [
        (  # the county's today is 2026-11-28: 2026Q4 began on 2026-10-01 (issue 25, finding 14)
            {"applies_from": "2026-09-30"},
            "An edition may apply from the current quarter (from 2026-10-01) on",
        ),
        ({"value": "-1"}, "A coefficient is a number of 0 or more"),
        ({"source": ""}, "This field is required."),
    ],
)
def test_a_bad_edition_is_refused(seeded, client, change, message):
    login(client, seeded, "county_admin")
    data = {
        "key": "straw.collectable",
        "value": "0.8",
        "applies_from": "2026-12-01",
        "grade": "B",
        "scope": "",
        "source": "ledger",
        **change,
    }
    response = client.post("/admin/coefficients?lang=en", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with seeded.app_context():
        count = db.session.scalar(
            db.select(db.func.count())
            .select_from(Coefficient)
            .where(Coefficient.key == "straw.collectable")
        )
        assert count == 1


def test_the_county_count_basis_is_stored_with_each_count(seeded, client):
    login(client, seeded, "county_admin")
    response = client.post(
        "/admin/coefficients/count-basis",
        data={"manure.sheep_basis": "turnoff", "manure.beef_basis": "stock"},
    )
    assert response.status_code == 303
    user_id = add_user(seeded, "inspector", INSPECTOR_TOWNSHIP)
    sections = {
        "manure": {"sheep": 300, "beef_cattle": 10, "beef_basis": "turnoff", "utilised_t": 0}
    }
    payload = {
        "client_uuid": str(uuid.uuid4()),
        "village_code": OWN_VILLAGE,
        "inspected_on": "2026-11-20",
        "households": 100,
        "sections": sections,
    }
    created = client.post("/api/v1/inspections", json=payload, headers=bearer(seeded, user_id))
    assert created.status_code == 201, created.get_json()
    with seeded.app_context():
        stored = dict(
            db.session.execute(
                db.select(Answer.field, Answer.value_text).where(
                    Answer.inspection_id == created.get_json()["id"], Answer.value_text.is_not(None)
                )
            ).all()
        )
    # sheep: not said, so the county's setting; beef: what the inspector chose
    assert stored == {"sheep_basis": "turnoff", "beef_basis": "turnoff"}
    # the revision keeps what was sent; the answers (and so the API) say the basis used
    assert created.get_json()["sections"]["manure"]["sheep_basis"] == "turnoff"
    with seeded.app_context():
        revision = db.session.execute(db.select(InspectionRevision)).scalar_one()
        assert "sheep_basis" not in revision.payload["sections"]["manure"]
    # 300 × 2.6 × 365 ÷ 1000 + 10 × 10 × 365 ÷ 1000 = 284.7 + 36.5
    assert created.get_json()["sections"]["manure"]["produced_t"] == pytest.approx(321.2)
