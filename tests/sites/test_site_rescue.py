"""A phone's rescue file carries its unsent site inspections (`kind: "site"`, issue 23) beside
its village ones; `flask import-rescue` stores each through POST /api/v1/site-inspections' own
path: once by client_uuid (a second import adds nothing), refused rows reported with the reason
(a closed site, a site of another township, an invalid answer, a uuid already used for other
answers), the others still stored — on both databases.

The county's today is 28 November 2026. The inspector of 西坊城镇 (T1) has coal sellers A and B
in their township (B closed) and C in 蔡村镇 (T2)."""

import json
import uuid
from datetime import date

import pytest

from app.extensions import db
from app.models import Problem, Site, SiteInspection
from tests.api_payloads import DATABASES, clear_activity, seeded_module_app
from tests.factories import add_user
from tests.sites.world import (
    INSPECTOR_TOWNSHIP,
    OTHER_VILLAGE,
    OWN_VILLAGE,
    add_sites,
    headers,
    visit,
)

PASS = {"sample_taken": True, "sample_passed": True}


@pytest.fixture(scope="module", params=DATABASES)
def county(request, tmp_path_factory):
    yield from seeded_module_app(request, tmp_path_factory)


@pytest.fixture(autouse=True)
def world(county):
    clear_activity(county)
    client = county.test_client()
    admin = headers(county, "county_admin")
    add_sites(
        client,
        admin,
        "coal_seller",
        [("A", OWN_VILLAGE, {}), ("B", OWN_VILLAGE, {}), ("C", OTHER_VILLAGE, {})],
    )
    with county.app_context():
        closed = db.session.execute(db.select(Site).where(Site.code == "B")).scalar_one()
        closed.status, closed.closed_on, closed.closed_reason = "closed", date(2026, 11, 1), "停业"
        db.session.commit()
    add_user(county, "inspector", INSPECTOR_TOWNSHIP, username="wang")


def site_entry(code, on, answers, key=None):
    key = str(key or uuid.uuid4())
    return {
        "client_uuid": key,
        "kind": "site",
        "status": "waiting",
        "saved_at": "2026-11-27T09:00:00Z",
        "photos": [],
        "payload": {"client_uuid": key, "site_code": code, "inspected_on": on, "answers": answers},
    }


def rescue(path, entries):
    document = {
        "format": "cunjian-rescue",
        "version": 1,
        "username": "wang",
        "exported_at": "2026-11-28T10:00:00Z",
        "entries": entries,
    }
    path.write_text(json.dumps(document))
    return str(path)


def stored(app) -> dict[str, tuple[str, str, dict]]:
    """{client_uuid: (site code, date, answers)} of the stored site inspections."""
    with app.app_context():
        rows = db.session.execute(db.select(SiteInspection, Site.code).join(Site)).all()
        return {
            str(v.client_uuid): (code, v.inspected_on.isoformat(), v.answers) for v, code in rows
        }


def test_import_rescue_stores_site_entries_once_and_reports_the_refused(county, tmp_path):
    good = site_entry("A", "2026-11-20", PASS)
    failing = site_entry("A", "2026-11-21", {"sample_taken": True, "sample_passed": False})
    closed = site_entry("B", "2026-11-20", PASS)
    elsewhere = site_entry("C", "2026-11-20", PASS)
    invalid = site_entry("A", "2026-11-22", {"sample_taken": True})  # the verdict is required
    future = site_entry("A", "2026-12-01", PASS)
    path = rescue(tmp_path / "rescue.json", [good, failing, closed, elsewhere, invalid, future])
    runner = county.test_cli_runner()
    first = runner.invoke(args=["import-rescue", path])
    assert first.exit_code == 0, first.output
    assert "site inspections: 2 stored, 0 already there" in first.output
    assert f"{closed['client_uuid']}: site B is closed" in first.output
    assert f"{elsewhere['client_uuid']}: site C does not exist or is not in" in first.output
    assert f"{invalid['client_uuid']}: invalid: {{'answers.sample_passed'" in first.output
    assert f"{future['client_uuid']}: invalid: the inspection date" in first.output
    assert stored(county) == {
        good["client_uuid"]: ("A", "2026-11-20", PASS),
        failing["client_uuid"]: ("A", "2026-11-21", {"sample_taken": True, "sample_passed": False}),
    }
    # as the POST does, the failing sample opened one problem for seller A
    with county.app_context():
        problems = db.session.execute(
            db.select(Site.code).join(Problem, Problem.site_id == Site.id)
        )
        assert problems.scalars().all() == ["A"]
    # again: each stored once, nothing added
    second = runner.invoke(args=["import-rescue", path])
    assert second.exit_code == 0, second.output
    assert "site inspections: 0 stored, 2 already there" in second.output
    assert len(stored(county)) == 2
    with county.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Problem)) == 1


def test_a_site_entry_that_reached_the_server_is_not_stored_again(county, tmp_path):
    """The phone sent it (POST) but the answer was lost: the rescue's copy is the same
    inspection; the same uuid with other answers is a conflict, reported, and nothing changes."""
    key = uuid.uuid4()
    client, inspector = county.test_client(), headers(county, "inspector")
    assert visit(client, inspector, "A", "2026-11-20", PASS, key=key).status_code == 201
    same = site_entry("A", "2026-11-20", PASS, key=key)
    other = site_entry("A", "2026-11-25", PASS)
    other["client_uuid"] = other["payload"]["client_uuid"] = str(key)
    other["payload"]["inspected_on"] = "2026-11-26"
    runner = county.test_cli_runner()
    result = runner.invoke(args=["import-rescue", rescue(tmp_path / "r.json", [same, other])])
    assert result.exit_code == 0, result.output
    assert "site inspections: 0 stored, 1 already there" in result.output
    assert f"{key}: already stored with other answers (conflict)" in result.output
    assert stored(county) == {str(key): ("A", "2026-11-20", PASS)}
