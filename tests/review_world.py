"""Shared set-up for the review, access and hardening tests: two townships, one user of each
role (and a second inspector and lead in the other township), and an inspection payload."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Township, User, Village

TOWNSHIP = "140225101"  # 西坊城镇
OTHER_TOWNSHIP = "140225102"  # 蔡村镇
PASSWORD = "correct horse battery"  # as in conftest's make_user
HOSTILE = "<script>alert(1)</script>=cmd|' /C calc'!A0"


@dataclass
class World:
    users: dict  # role name → user id ("inspector", "inspector_other", ...)
    village: str  # a village of TOWNSHIP
    other_village: str  # a village of OTHER_TOWNSHIP


PEOPLE = {  # key → (role, township, username)
    "inspector": ("inspector", TOWNSHIP, "insp"),
    "inspector_colleague": ("inspector", TOWNSHIP, "insp2"),
    "inspector_other": ("inspector", OTHER_TOWNSHIP, "insp_o"),
    "township_lead": ("township_lead", TOWNSHIP, "lead"),
    "lead_other": ("township_lead", OTHER_TOWNSHIP, "lead_o"),
    "county_admin": ("county_admin", None, "admin"),
    "viewer": ("viewer", None, "viewer"),
}


@cache
def password_hash() -> str:
    # scrypt takes ~0.3 s here; one real hash of the fixtures' password serves every user.
    return generate_password_hash(PASSWORD)


def make_world(app, make_user=None) -> World:
    """The people and villages; `make_user` is accepted for symmetry but one hash is reused."""
    # The county's "today" is fixed so that 2026-11-20 is always in the past.
    app.config["CLOCK"] = lambda: datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
    users = {}
    with app.app_context():
        townships = dict(db.session.execute(db.select(Township.code, Township.id)).all())
        for key, (role, township, username) in PEOPLE.items():
            user = User(
                username=username,
                role=role,
                township_id=townships.get(township),
                password_hash=password_hash(),
            )
            db.session.add(user)
            db.session.flush()
            users[key] = user.id
        db.session.commit()
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


def session_id(app, user_id: int) -> str:
    """What Flask-Login keeps in the session for this user now ("id:session_version"), for a
    test that writes the session itself instead of signing in."""
    with app.app_context():
        return db.session.get(User, user_id).get_id()


def sign_in(app, username, password=PASSWORD):
    """A test client with a signed-in browser session."""
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.status_code
    return client
