"""Shared test data for the inspection API: a valid submission worked out by hand, ways to change
one field of it, row counts, a fixed clock, and a seeded app kept for a whole test module.

The module-scoped app exists for the long validation tables: every refused submission stores
nothing, so one seeded database per module (and per database engine) serves them all, and the
tests then count rows to prove it stayed empty.
"""

import copy
import os
import uuid
from datetime import UTC, datetime

from app import create_app
from app.accounts.auth import issue_token
from app.extensions import db
from app.geography import county
from app.models import Answer, Inspection, InspectionRevision, User
from app.models.reference_marker import bump
from tests.factories import add_user  # noqa: F401 (the tests import it from here)
from tests.pg_reset import ONE_ROW, empty_postgresql

PG_URL = os.environ.get("TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])  # as in conftest.py

INSPECTOR_TOWNSHIP = "140225101"  # 西坊城镇, 11 villages
OWN_VILLAGE = "140225101200"  # 西坊城村委会
OTHER_TOWNSHIP = "140225102"  # 蔡村镇
OTHER_VILLAGE = "140225102200"  # 蔡村村委会
DROP = object()  # "remove this key" in `changed`


def fixed_clock(iso: str):
    """config CLOCK: a function giving the aware UTC moment `iso` (e.g. 2026-11-28T04:00)."""
    moment = datetime.fromisoformat(iso).replace(tzinfo=UTC)
    return lambda: moment


# 12:00 on 28 Nov 2026 in Hunyuan (UTC+8): the county's today is 2026-11-28.
NOON_28_NOV = "2026-11-28T04:00:00"


def valid_payload(**top_level) -> dict:
    """A complete inspection that passes every rule.

    households 120; heating 0+40+10+5+5+60 = 120 ≤ 120; sewage treated 30 ≤ 120;
    manure 400 ≤ 500; straw routes 500+200+100+50+50 = 900 ≤ 1000; film 4.5 ≤ 10.
    """
    payload = {
        "client_uuid": str(uuid.uuid4()),
        "village_code": OWN_VILLAGE,
        "inspected_on": "2026-11-20",
        "households": 120,
        "location": {"lat": 39.6123, "lon": 113.4901, "accuracy_m": 8.5},
        "notes": "东头污水管破损 / broken sewer at the east end",
        "sections": {
            "sewage": {
                "households_treated": 30,
                "treatment_mode": "septic_tank",
                "facility_running": True,
            },
            "manure": {"produced_t": 500.0, "utilised_t": 400.0},
            "straw": {
                "produced_t": 1000.0,
                "fertiliser_t": 500.0,
                "feed_t": 200.0,
                "fuel_t": 100.0,
                "base_material_t": 50.0,
                "raw_material_t": 50.0,
            },
            "film": {"used_t": 10.0, "recovered_t": 4.5},
            "heating": {
                "central": 0,
                "electric": 40,
                "gas": 10,
                "biomass": 5,
                "other_clean": 5,
                "coal": 60,
            },
        },
    }
    payload.update(top_level)
    return payload


def changed(payload: dict, path: str, value) -> dict:
    """A deep copy of `payload` with the value at dotted `path` set (or removed with DROP)."""
    out = copy.deepcopy(payload)
    *parents, last = path.split(".")
    node = out
    for key in parents:
        node = node[key]
    if value is DROP:
        del node[last]
    else:
        node[last] = value
    return out


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__tablename__: db.session.scalar(db.select(db.func.count()).select_from(model))
            for model in (Inspection, Answer, InspectionRevision)
        }


NO_ROWS = {"inspections": 0, "answers": 0, "inspection_revisions": 0}


def bearer(app, user_id: int) -> dict[str, str]:
    with app.app_context():
        token, _row = issue_token(db.session.get(User, user_id))
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def build_seeded_app(database: str, pg_url: str | None, tmp_dir) -> object:
    """A seeded app on a fresh SQLite file or on emptied PostgreSQL tables (made by pg_ready)."""
    if database == "sqlite":
        url = f"sqlite:///{tmp_dir / 'module.sqlite3'}"
    else:
        url = pg_url
        empty_postgresql(url)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "test-secret-key-not-for-production-" + "x" * 16,
            "WTF_CSRF_ENABLED": False,
            "CLOCK": fixed_clock(NOON_28_NOV),
        }
    )
    app.instance_path = str(tmp_dir / "instance")
    with app.app_context():
        if database == "sqlite":
            db.create_all()
        county.seed()
        db.session.commit()
    return app


def seeded_module_app(request, tmp_path_factory):
    """Body of a module-scoped, DATABASES-parametrized fixture: a seeded app kept for the module
    (seeding the county per test is most of a test's time). Use with `clear_activity`."""
    if request.param == "postgresql":
        request.getfixturevalue("pg_ready")
    app = build_seeded_app(request.param, PG_URL, tmp_path_factory.mktemp(request.param))
    yield app
    dispose(app)


SEEDED_TABLES = frozenset({"counties", "townships", "villages", "targets"})


def clear_activity(app) -> None:
    """Back to the freshly seeded county: no users, tokens or inspections; the default clock."""
    with app.app_context():
        # A new reference token first: the county's published forms go below, and the app's
        # cache of them must not outlive them (the triggers do not watch that table).
        bump(db.session)
        # Every table but the seeded county and the one-row tables (tests/pg_reset.py: without
        # the reference marker's row nothing is cached), children first (whatever areas add).
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in SEEDED_TABLES | ONE_ROW:
                db.session.execute(table.delete())
        # the summary's one state row stays (writers lock it), switched off
        db.session.execute(db.text("UPDATE summary_state SET enabled = false"))
        db.session.commit()
    app.config.update(CLOCK=fixed_clock(NOON_28_NOV), COUNTY_TIMEZONE="Asia/Shanghai")


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
