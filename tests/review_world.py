"""Shared set-up for the review, access and hardening tests: two townships, one user of each
role (and a second inspector and lead in the other township), and an inspection payload."""

import uuid
from datetime import UTC, datetime
from dataclasses import dataclass

from app.extensions import db
from app.models import Village

TOWNSHIP = "140225101"  # 西坊城镇
OTHER_TOWNSHIP = "140225102"  # 蔡村镇
HOSTILE = "<script>alert(1)</script>=cmd|' /C calc'!A0"


@dataclass
class World:
    users: dict  # role name → user id ("inspector", "inspector_other", ...)
    village: str  # a village of TOWNSHIP
    other_village: str  # a village of OTHER_TOWNSHIP


def make_world(app, make_user) -> World:
    # The county's "today" is fixed so that 2026-11-20 is always in the past.
    app.config["CLOCK"] = lambda: datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
    users = {
        "inspector": make_user("inspector", township=TOWNSHIP, username="insp"),
        "inspector_colleague": make_user("inspector", township=TOWNSHIP, username="insp2"),
        "inspector_other": make_user("inspector", township=OTHER_TOWNSHIP, username="insp_o"),
        "township_lead": make_user("township_lead", township=TOWNSHIP, username="lead"),
        "lead_other": make_user("township_lead", township=OTHER_TOWNSHIP, username="lead_o"),
        "county_admin": make_user("county_admin", username="admin"),
        "viewer": make_user("viewer", username="viewer"),
    }
    with app.app_context():

        def first_village(township):
            return db.session.scalar(
                db.select(Village.code)
                .where(Village.code.startswith(township), Village.kind == "village")
                .order_by(Village.code)
            )

        return World(users, first_village(TOWNSHIP), first_village(OTHER_TOWNSHIP))


def payload(village: str, *, households=100, treated=40, notes="", client_uuid=None) -> dict:
    return {
        "client_uuid": client_uuid or str(uuid.uuid4()),
        "village_code": village,
        "inspected_on": "2026-11-20",
        "households": households,
        "notes": notes,
        "sections": {
            "sewage": {
                "households_treated": treated,
                "treatment_mode": "septic_tank",
                "facility_running": True,
            },
            "manure": {"produced_t": 10.0, "utilised_t": 7.5},
        },
    }


def sign_in(app, username, password="correct horse battery"):
    """A test client with a signed-in browser session."""
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.status_code
    return client
