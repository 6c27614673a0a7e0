"""A seeded county with sites, for the sites tests (issue 23): module-scoped per database, made
clean before each test by tests/api_payloads.py clear_activity."""

import io
import uuid

from app.extensions import db
from app.models import Site
from tests.api_payloads import (
    INSPECTOR_TOWNSHIP,
    OTHER_TOWNSHIP,
    OTHER_VILLAGE,
    OWN_VILLAGE,
    bearer,
)
from tests.factories import add_user

OWN_VILLAGE_2 = "140225101201"  # a second village of 西坊城镇

__all__ = ["INSPECTOR_TOWNSHIP", "OTHER_TOWNSHIP", "OTHER_VILLAGE", "OWN_VILLAGE"]


def headers(app, role, township=None, lang="en"):
    if role in ("inspector", "township_lead") and township is None:
        township = INSPECTOR_TOWNSHIP
    user_id = add_user(app, role, township)
    return {**bearer(app, user_id), "Accept-Language": lang}


def csv_file(text: str, name="register.csv"):
    return {"file": (io.BytesIO(text.encode("utf-8")), name)}


def add_sites(client, admin, kind, rows):
    """rows: (code, village, attributes dict)."""
    for code, village, attributes in rows:
        response = client.post(
            "/api/v1/sites",
            json={
                "code": code,
                "kind": kind,
                "name": f"{code} 名称",
                "village_code": village,
                "attributes": attributes,
            },
            headers=admin,
        )
        assert response.status_code == 201, response.get_json()


def visit(client, who, code, on, answers, key=None):
    return client.post(
        "/api/v1/site-inspections",
        json={
            "client_uuid": str(key or uuid.uuid4()),
            "site_code": code,
            "inspected_on": on,
            "answers": answers,
        },
        headers=who,
    )


def site_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Site))
