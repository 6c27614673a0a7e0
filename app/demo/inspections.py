"""Demo data: eight quarters of plausible inspections for every village, and how to remove them.

A county sees its dashboard before any inspector has gone out, so the pages can be judged with
numbers that look like the real thing: rates rising toward the plan's targets, some villages
lagging, and some village-quarters missing so the completeness page has gaps. A fixed seed
makes every run give the same data.

What is marked, so that `--clear` removes exactly what this put in:
- every inspection it writes has `is_demo` set, and its inspector is the inactive user `demo`
  (nobody can sign in as it);
- a village gets a demo zone and household count only when it has none of its own (households
  unset, zone still the seed's default for its kind); such a village gets `is_demo` set, which
  here means "its zone and households are demo values". `--clear` puts those back to unset and
  leaves every village an admin has imported alone.
Each submission passes the same marshmallow schema as the API, so demo data obeys every rule.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, insert, select, update

from app.clock import county_today
from app.demo.plan import SEED, VillagePlan
from app.demo.sites import clear_demo_sites, load_demo_sites
from app.extensions import db
from app.formdefs.publication import ensure_published
from app.formdefs.registry import current_forms
from app.inspections.store import answer_rows, canonical, content_hash
from app.models import Answer, Inspection, InspectionRevision, User, Village
from app.periods import previous_quarters, quarter_of
from app.rollups.summary.quarter import note_places, note_villages

DEMO_USERNAME = "demo"
QUARTERS = 8


@dataclass
class DemoSummary:
    inspections: int = 0
    villages_changed: int = 0


def load_demo() -> DemoSummary:
    """Replace any earlier demo data with a fresh copy. The caller commits (one transaction)."""
    clear_demo()
    summary = DemoSummary()
    forms = current_forms()
    ensure_published(forms.form_set)
    user = _demo_user()
    rows, payloads = _planned_inspections(forms, county_today(), user, summary)
    ids = {
        str(uuid_): id_
        for id_, uuid_ in db.session.execute(
            insert(Inspection).returning(Inspection.id, Inspection.client_uuid), rows
        )
    }
    _insert_answers_and_revisions(payloads, ids, user, forms.form_set)
    # Core inserts pass the session's bookkeeping by: name the places to recompute at commit.
    note_places(db.session, {(row["village_id"], row["quarter"]) for row in rows})
    summary.inspections = len(rows)
    load_demo_sites(user, county_today())  # farms, stations, coal sellers (issue 23)
    return summary


def _planned_inspections(forms, today, user: User, summary: DemoSummary) -> tuple[list, dict]:
    """Every village's planned submissions over the last QUARTERS quarters, each validated by
    the API's schema: the inspection rows to insert, and per client UUID what its answers and
    first revision are made from (validated data, canonical payload, time of creation)."""
    quarters = previous_quarters(quarter_of(today), QUARTERS)
    schema = forms.inspection_schema("en", today)
    villages = db.session.execute(select(Village).order_by(Village.code)).scalars().all()
    rows, payloads = [], {}
    for village in villages:
        plan = VillagePlan(village.code, *_zone_and_households(village, summary))
        for index, quarter in enumerate(quarters):
            missing = 0.25 if index == len(quarters) - 1 else 0.07  # this quarter is under way
            if plan.rng.random() < missing:
                continue
            step = index / (len(quarters) - 1)
            data = schema.load(plan.submission(quarter, step, today, forms.form_set))
            payload = canonical(data)
            created = datetime.combine(
                data["inspected_on"], time(17, 0), ZoneInfo(current_app.config["COUNTY_TIMEZONE"])
            )
            rows.append(
                {
                    "client_uuid": payload["client_uuid"],
                    "village_id": village.id,
                    "inspector_id": user.id,
                    "inspected_on": data["inspected_on"],
                    "quarter": quarter,
                    "year": data["inspected_on"].year,
                    "notes": data["notes"],
                    "content_hash": content_hash(payload),
                    "form_versions": forms.form_set.versions,
                    "is_demo": True,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            payloads[payload["client_uuid"]] = (data, payload, created)
    return rows, payloads


def _insert_answers_and_revisions(payloads: dict, ids: dict, user: User, form_set) -> None:
    """Each inserted inspection's answers and its first revision, in two bulk inserts."""
    answers, revisions = [], []
    for uuid_text, (data, payload, created) in payloads.items():
        inspection_id = ids[uuid_text]
        answers += [
            {
                "inspection_id": inspection_id,
                "section": a.section,
                "field": a.field,
                "value_num": a.value_num,
                "value_text": a.value_text,
            }
            for a in answer_rows(data, form_set)
        ]
        revisions.append(
            {
                "inspection_id": inspection_id,
                "number": 1,
                "payload": payload,
                "author_id": user.id,
                "created_at": created,
            }
        )
    db.session.execute(insert(Answer), answers)
    db.session.execute(insert(InspectionRevision), revisions)


def clear_demo() -> DemoSummary:
    """Remove exactly what `load_demo` added. The caller commits."""
    summary = DemoSummary()
    clear_demo_sites()  # their inspections are the demo user's too (issue 23)
    demo_ids = select(Inspection.id).where(Inspection.is_demo.is_(True)).scalar_subquery()
    demo_places = select(Inspection.village_id, Inspection.quarter).where(
        Inspection.is_demo.is_(True)
    )
    note_places(db.session, {tuple(row) for row in db.session.execute(demo_places.distinct())})
    db.session.execute(delete(Answer).where(Answer.inspection_id.in_(demo_ids)))
    db.session.execute(
        delete(InspectionRevision).where(InspectionRevision.inspection_id.in_(demo_ids))
    )
    summary.inspections = db.session.execute(
        delete(Inspection).where(Inspection.is_demo.is_(True))
    ).rowcount
    # zones put back by a Core update: those villages' townships' sums are recomputed at commit
    note_villages(
        db.session, db.session.scalars(select(Village.id).where(Village.is_demo.is_(True)))
    )
    for kind, zone in (("community", "county_town"), ("village", "unknown")):
        summary.villages_changed += db.session.execute(
            update(Village)
            .where(Village.is_demo.is_(True), Village.kind == kind)
            .values(zone=zone, households=None, is_demo=False)
        ).rowcount
    user = db.session.execute(
        select(User).where(User.username == DEMO_USERNAME)
    ).scalar_one_or_none()
    if (
        user is not None
        and not db.session.execute(
            select(Inspection.id).where(Inspection.inspector_id == user.id).limit(1)
        ).first()
    ):
        db.session.delete(user)
    db.session.expire_all()
    return summary


def _zone_and_households(village: Village, summary: DemoSummary) -> tuple[str, int]:
    """The village's own zone and households, or demo ones when it has none (marked is_demo)."""
    default_zone = "county_town" if village.kind == "community" else "unknown"
    if village.households is not None or village.zone != default_zone:
        zone = village.zone if village.zone != "unknown" else "plain"
        households = village.households
        if households is None:  # zone set by an admin, households not: use a size, store none
            households = random.Random(f"{SEED}-hh-{village.code}").randint(80, 650)
        return zone, households
    rng = random.Random(f"{SEED}-profile-{village.code}")
    if village.kind == "village":
        village.zone = "mountain" if rng.random() < 0.45 else "plain"
    village.households = (
        rng.randint(80, 650) if village.kind == "village" else rng.randint(400, 2500)
    )
    village.is_demo = True
    summary.villages_changed += 1
    return village.zone, village.households


def _demo_user() -> User:
    user = db.session.execute(
        select(User).where(User.username == DEMO_USERNAME)
    ).scalar_one_or_none()
    if user is None:
        user = User(username=DEMO_USERNAME, display_name="演示数据", role="viewer", active=False)
        user.set_password(secrets.token_urlsafe(24))  # never told to anyone
        db.session.add(user)
        db.session.flush()
    return user
