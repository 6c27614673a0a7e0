"""The roll-up summary (app/rollups/summary/quarter.py, app/rollups/summary/area.py) stays equal to
the answers
through every write path while it is on, on SQLite and PostgreSQL: a random sequence of writes
through the functions the routes call, over two counties, moving inspections between villages,
townships and counties, villages between zones and townships, townships between counties, with
the summary switched off and on again midway; demo data; the rebuild command; the API.
"""

import random
import threading
import uuid
from datetime import date

import pytest

from app.demo.inspections import clear_demo, load_demo
from app.demo.plan import VillagePlan
from app.extensions import db
from app.formdefs.registry import current_forms
from app.inspections.changes import (
    delete_inspection,
    edit_inspection,
    restore_inspection,
    review_inspection,
)
from app.inspections.review import TransitionRefused
from app.inspections.store import store_inspection
from app.models import ZONES, County, Inspection, Township, User, Village, VillageQuarterFigure
from app.rollups.core import Tally, village_tally, zone_tally
from app.rollups.reports import rollup, trend
from bench.generate import Spec, generate
from tests.factories import add_user
from tests.review_world import make_world, payload
from tests.rollup_helpers import add_inspection
from tests.summary_helpers import assert_summary_is_live, summary_rows, switch_off, switch_on

WRITES = ("create", "create", "edit", "edit", "delete", "restore", "review", "review")
MOVES = ("zone", "village_township", "township_county")


def split_into_two_counties() -> list[Township]:
    """The seeded county's townships from the ninth on go to a second county."""
    second = County(code="140226", name="第二县")
    db.session.add(second)
    townships = db.session.scalars(db.select(Township).order_by(Township.code)).all()
    for township in townships[8:]:
        township.county = second
    db.session.commit()
    return townships


def test_random_writes_keep_the_summary_equal_to_the_live_tally(seeded):
    app = seeded
    world = make_world(app)
    reviewer_id = add_user(app, "county_admin", None, "reviewer-qs", "pw-qs-2026-x")
    rng = random.Random(20261129)
    with app.app_context():
        townships = split_into_two_counties()
        admin = db.session.get(User, world.users["county_admin"])
        # nobody reviews their own inspection: another county admin reviews the admin's
        reviewer = db.session.get(User, reviewer_id)
        forms = current_forms()
        load_demo()  # Core inserts, with the summary off: nothing kept
        db.session.commit()
        assert summary_rows() == 0
        switch_on()
        quarters = assert_summary_is_live(app)
        assert len(quarters) == 8
        schema = forms.inspection_schema("en", date(2026, 11, 28))
        ours = [townships[i] for i in (0, 1, 8, 9)]  # two townships in each county
        villages = [
            v
            for t in ours
            for v in db.session.scalars(
                db.select(Village).where(Village.township_id == t.id).order_by(Village.code)
            ).all()[:3]
        ]  # few villages, so visits pile up and "latest" has work to do
        counts = dict.fromkeys((*set(WRITES), *MOVES), 0)

        def submission(client_uuid=None):
            village = rng.choice(villages)  # an edit may move the visit anywhere among them
            plan = VillagePlan(village.code, "plain", rng.randint(50, 400))
            raw = plan.submission(
                rng.choice(quarters[-3:]), rng.random(), date(2026, 11, 28), forms.form_set
            )
            raw["client_uuid"] = client_uuid or str(uuid.UUID(int=rng.getrandbits(128)))
            if rng.random() < 0.3:  # some visits hold one section only
                keep = rng.choice(sorted(raw["sections"]))
                raw["sections"] = {keep: raw["sections"][keep]}
            return schema.load(raw)

        def move(choice):
            if choice == "zone":
                rng.choice(villages).zone = rng.choice(ZONES)
            elif choice == "village_township":
                rng.choice(villages).township_id = rng.choice(ours).id
            else:
                township = rng.choice(ours)
                township.county_id = 1 if township.county_id == 2 else 2
            return choice

        for step in range(90):
            if step == 40:  # off: emptied, and writes leave it alone; then on again
                switch_off()
                assert summary_rows() == 0
            if step == 50:
                assert summary_rows() == 0
                switch_on()
                assert_summary_is_live(app)
            mine = db.session.scalars(
                db.select(Inspection).where(Inspection.village_id.in_([v.id for v in villages]))
            ).all()
            choice = rng.choice(WRITES) if step % 6 != 5 else "move"  # 5 moves of each kind
            pool = [i for i in mine if (i.deleted_at is not None) == (choice == "restore")]
            target = rng.choice(pool) if pool else None
            try:
                if choice == "move":
                    choice = move(MOVES[step // 6 % len(MOVES)])
                elif choice == "create" or target is None:  # nothing deleted yet: create
                    store_inspection(submission(), admin, forms.form_set)
                    choice = "create"
                elif choice == "edit":
                    edit_inspection(target, submission(target.client_uuid), admin, forms.form_set)
                elif choice == "delete":
                    delete_inspection(target, admin, "test")
                elif choice == "restore":
                    restore_inspection(target, admin)
                else:
                    action = rng.choice(("approve", "approve", "return", "reopen"))
                    review_inspection(target, action, reviewer, "why" if action == "return" else "")
            except TransitionRefused:
                db.session.rollback()
                continue
            db.session.commit()
            counts[choice] += 1
            if step % 10 == 9 and not 40 <= step < 50:
                assert_summary_is_live(app)
        assert min(counts.values()) >= 3, counts  # every kind of write and move was exercised
        assert_summary_is_live(app, full=True)

        clear_demo()  # Core deletes, and zones put back with a Core update
        db.session.commit()
        assert_summary_is_live(app, full=True)
        demo_rows = db.session.scalar(
            db.select(db.func.count())
            .select_from(VillageQuarterFigure)
            .where(VillageQuarterFigure.village_id.not_in([v.id for v in villages]))
        )
        assert demo_rows == 0  # only our villages' own inspections are left


def test_rebuild_command_switches_the_summary_on_after_a_bulk_load(app, runner):
    with app.app_context():
        generate(db.session.connection(), Spec(6, 40, 2, last_quarter="2026Q2", seed=7, counties=2))
        assert summary_rows() == 0
    result = runner.invoke(args=["rebuild-summary"])
    assert result.exit_code == 0 and "summary rebuilt and on" in result.output, result.output
    with app.app_context():
        db.session.execute(
            db.update(Inspection).where(Inspection.id % 3 == 0).values(status="approved")
        )
        db.session.commit()  # a Core update: stale until rebuilt
        assert runner.invoke(args=["rebuild-summary"]).exit_code == 0
        assert assert_summary_is_live(app, full=True) == ["2026Q1", "2026Q2"]
    result = runner.invoke(args=["summary-off"])
    assert result.exit_code == 0 and "summary off and emptied" in result.output
    with app.app_context():
        assert summary_rows() == 0


def test_edit_and_delete_change_the_summary_roll_up(seeded, client, auth_headers):
    app = seeded
    world = make_world(app)
    with app.app_context():
        switch_on()
    lead = auth_headers(world.users["township_lead"], lang="en")
    admin = auth_headers(world.users["county_admin"], lang="en")
    inspector = auth_headers(world.users["inspector"], lang="en")
    first = payload(world.village, households=100, treated=40)
    second = payload(world.other_village, households=300, treated=90)
    stored = client.post("/api/v1/inspections", json=first, headers=inspector)
    assert stored.status_code == 201, stored.json
    first_id = stored.json["id"]
    other_inspector = auth_headers(world.users["inspector_other"], lang="en")
    stored = client.post("/api/v1/inspections", json=second, headers=other_inspector)
    assert stored.status_code == 201, stored.json

    def county():
        with app.app_context():
            whole = rollup("2026Q4", "county")[0]
            return whole.villages_reported, whole.indicators["sewage_treatment"]

    reported, sewage = county()
    # 40 + 90 treated of 100 + 300 households = 130/400, two villages
    assert (reported, sewage.numerator, sewage.denominator) == (2, 130, 400)

    edited = dict(first, households=200)
    edited["sections"] = dict(first["sections"], sewage=dict(first["sections"]["sewage"]))
    edited["sections"]["sewage"]["households_treated"] = 150
    response = client.put(f"/api/v1/inspections/{first_id}", json=edited, headers=inspector)
    assert response.status_code == 200, response.json
    reported, sewage = county()
    # the edit replaces the village's figures: 150 + 90 = 240 of 200 + 300 = 500
    assert (reported, sewage.numerator, sewage.denominator) == (2, 240, 500)

    # approved-only: nothing approved yet, so nothing counts; approve the first → 150/200
    with app.app_context():
        assert rollup("2026Q4", "county", approved_only=True)[0].villages_reported == 0
    assert (
        client.post(f"/api/v1/inspections/{first_id}/approve", json={}, headers=lead).status_code
        == 200
    )
    with app.app_context():
        whole = rollup("2026Q4", "county", approved_only=True)[0]
        assert whole.villages_reported == 1
        assert whole.indicators["sewage_treatment"].numerator == 150
    assert (
        client.post(f"/api/v1/inspections/{first_id}/reopen", json={}, headers=admin).status_code
        == 200
    )

    response = client.delete(
        f"/api/v1/inspections/{first_id}", json={"reason": "wrong village"}, headers=inspector
    )
    assert response.status_code == 200, response.json
    reported, sewage = county()
    # the deleted visit leaves: only the other village's 90/300, one village reported
    assert (reported, sewage.numerator, sewage.denominator) == (1, 90, 300)
    with app.app_context():
        assert (
            trend("sewage_treatment", "county", "140225", ["2026Q3", "2026Q4"])[1][1].denominator
            == 300
        )

    assert client.post(f"/api/v1/inspections/{first_id}/restore", headers=admin).status_code == 200
    reported, sewage = county()
    assert (reported, sewage.numerator, sewage.denominator) == (2, 240, 500)  # back as edited
    with app.app_context():
        assert_summary_is_live(app)


def test_two_writers_of_one_village_and_quarter_at_once(seeded, auth_headers):
    """Both submissions are stored and both count: the second writer's recount waits for the
    first to commit (PostgreSQL: advisory locks; SQLite: BEGIN IMMEDIATE)."""
    app = seeded
    world = make_world(app)
    with app.app_context():
        switch_on()
    headers = auth_headers(world.users["inspector"], lang="en")
    statuses, gate = [], threading.Barrier(2)

    def submit(households):
        client = app.test_client()
        gate.wait()
        body = payload(world.village, households=households, treated=households // 2)
        statuses.append(client.post("/api/v1/inspections", json=body, headers=headers).status_code)

    for round_ in range(5):
        threads = [threading.Thread(target=submit, args=(100 + round_ * 2 + k,)) for k in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert statuses == [201] * 10
    with app.app_context():
        assert_summary_is_live(app)
        whole = rollup("2026Q4", "county")[0]
        # ten visits of one village on one day: the latest stored counts, one village reported
        assert whole.villages_reported == 1
        assert whole.indicators["sewage_treatment"].denominator in (108, 109)


def test_two_writers_of_one_township_in_different_villages(seeded, auth_headers):
    """Each recomputes the township's and county's sums; the second waits for the first and
    counts both villages (without the area locks one of them would be missing)."""
    app = seeded
    world = make_world(app)
    with app.app_context():
        switch_on()
        codes = db.session.scalars(
            db.select(Village.code).where(Village.code.startswith("140225101")).limit(2)
        ).all()
    headers = auth_headers(world.users["inspector"], lang="en")
    statuses, gate = [], threading.Barrier(2)

    def submit(code, households):
        client = app.test_client()
        gate.wait()
        body = payload(code, households=households, treated=10)
        statuses.append(client.post("/api/v1/inspections", json=body, headers=headers).status_code)

    for round_ in range(3):
        threads = [
            threading.Thread(target=submit, args=(code, 100 + round_))
            for code in codes  # (each round's visit of a village replaces the one before)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert statuses == [201] * 6
    with app.app_context():
        assert_summary_is_live(app)
        whole = rollup("2026Q4", "county")[0]
        assert whole.villages_reported == 2
        assert whole.indicators["sewage_treatment"].denominator == 102 + 102


def test_an_inspection_moved_to_another_village_leaves_the_old_one(seeded, make_user):
    app = seeded
    uid = make_user("county_admin")
    with app.app_context():
        switch_on()
        first, second = db.session.scalars(db.select(Village).order_by(Village.code).limit(2))
        moved = add_inspection(uid, first.code, date(2026, 2, 1), 100, heating={"central": 60})
        db.session.commit()
        inspection = db.session.get(Inspection, moved)
        inspection.village = second  # the relationship, not village_id: noted all the same
        db.session.commit()
        villages = {u.code: u for u in rollup("2026Q1", "village")}
        assert (
            villages[first.code].villages_reported,
            villages[second.code].villages_reported,
        ) == (0, 1)
        assert villages[second.code].indicators["clean_heating"].numerator == 60  # 60 of 100
        assert_summary_is_live(app)


def test_rollup_source_live_reads_the_answers_and_summary_is_refused(seeded, make_user):
    app = seeded
    uid = make_user("county_admin")
    with app.app_context():
        add_inspection(uid, "140225101200", date(2026, 2, 1), 100, heating={"central": 60})
        db.session.commit()
        switch_on()
        db.session.execute(db.delete(VillageQuarterFigure))  # a summary gone wrong
        db.session.execute(db.text("DELETE FROM area_quarter_figures"))
        db.session.commit()
        assert rollup("2026Q1", "county")[0].villages_reported == 0  # auto: the summary
        app.config["ROLLUP_SOURCE"] = "live"
        assert rollup("2026Q1", "county")[0].villages_reported == 1
        app.config["ROLLUP_SOURCE"] = "summary"  # the stored state decides that now
        with pytest.raises(ValueError, match="rebuild-summary"):
            rollup("2026Q1", "county")


def test_a_zone_sum_is_the_sum_of_its_villages_tallies():
    # two mountain villages (target 0.70): 60/100 and 30/50 → 90/150; target weight Σ den = 150,
    # Σ target·den = 0.7·100 + 0.7·50 = 105 = 0.7·150; two villages reported
    one_by_one = village_tally(60, 100, 0.7) + village_tally(30, 50, 0.7)
    summed = zone_tally(90, 150, 2, 0.7)
    assert (summed.numerator, summed.denominator, summed.target_weight) == (90, 150, 150)
    assert summed.villages_reported == one_by_one.villages_reported == 2
    assert summed.target_weighted == pytest.approx(105) == one_by_one.target_weighted
    assert zone_tally(5, 10, 3, None) == Tally(5, 10, 0.0, 0.0, 3)  # no target: no weight
