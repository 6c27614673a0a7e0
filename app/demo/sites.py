"""Demo registers and a year of their inspections (issue 23), loaded and cleared with the
villages' demo data (app/demo/inspections.py): the plan's scale farms (key project #10: two sow
farms with fattening farms and the 200,000-pig project) and a few others, the plan's 17 village
sewage stations (12 built), and 40 household-coal sellers across the townships, sampled month by
month as the stored sampling plan draws them. Everything is marked `is_demo`; a fixed seed gives
the same data on every run. Demo inspections open no problems (the ledger keeps every step, so
demo problems could not be removed again)."""

import random
import uuid
from datetime import date

from sqlalchemy import delete, select

from app.clock import utc_now
from app.demo.plan import SEED
from app.extensions import db
from app.inspections.store import canonical, content_hash
from app.models import (
    SamplingDraw,
    Site,
    SiteInspection,
    SiteInspectionRevision,
    Township,
    User,
    Village,
)
from app.sites import plan
from app.sites.kinds import site_kinds

FARMS = [  # (name, species, head count)
    ("双胞胎能繁母猪场（一）", "pig", 12000),
    ("双胞胎能繁母猪场（二）", "pig", 12000),
    ("双胞胎育肥场", "pig", 30000),
    ("正邦20万头生猪项目", "pig", 200000),
    ("恒山奶牛养殖场", "dairy", 450),
    ("浑源蛋鸡养殖场", "layer", 30000),
    ("小型肉牛养殖户", "beef", 30),  # below the 50-head threshold: registered, not a scale farm
]
STATIONS, BUILT = 17, 12
SELLERS = 40


def _months_back(today: date, count: int) -> list[str]:
    index = today.year * 12 + today.month - 1
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def load_demo_sites(user: User, today: date) -> int:
    """Add the demo registers and their inspections; the number of inspections. Caller commits."""
    rng = random.Random(f"{SEED}-sites")
    villages = list(db.session.execute(select(Village).order_by(Village.code)).scalars())
    townships = list(db.session.execute(select(Township).order_by(Township.code)).scalars())
    if not villages:
        return 0
    now = utc_now()
    sites = _registers(rng, villages, townships, now)
    db.session.flush()
    return _visits(sites, townships, rng, user, today, now)


def _registers(rng, villages, townships, now) -> list[Site]:
    sites = []

    def add(code, kind, name, village, attributes):
        site = Site(
            code=code,
            kind=kind,
            name=name,
            village_id=village.id,
            lat=village.lat,
            lon=village.lon,
            attributes=attributes,
            status="open",
            is_demo=True,
            created_at=now,
            updated_at=now,
        )
        db.session.add(site)
        sites.append(site)
        return site

    for n, (name, species, head) in enumerate(FARMS, start=1):
        add(
            f"DEMO-SF-{n:02d}",
            "scale_farm",
            name,
            rng.choice(villages),
            {"species": species, "head_count": head},
        )
    for n in range(1, STATIONS + 1):
        village = rng.choice(villages)
        add(
            f"DEMO-WS-{n:02d}",
            "sewage_station",
            f"{village.name}污水处理站",
            village,
            {
                "capacity_m3_d": rng.choice([20, 30, 50, 80]),
                "process": "A/O + 人工湿地",
                "built": n <= BUILT,
            },
        )
    for n in range(1, SELLERS + 1):
        township = townships[(n - 1) % len(townships)]
        village = rng.choice([v for v in villages if v.township_id == township.id] or villages)
        add(
            f"DEMO-CS-{n:02d}",
            "coal_seller",
            f"{village.name}民用散煤销售点",
            village,
            {"licence_no": f"91140225MA{n:06d}"},
        )
    return sites


def _visits(sites, townships, rng, user, today, now) -> int:
    """A visit a quarter to each farm and built station; each month's drawn sellers."""
    months = _months_back(today, 12)
    count = 0
    for site in sites:
        if site.kind == "coal_seller":
            continue
        for month in months[2::3]:  # a visit a quarter
            answers = (
                {"facilities_match": rng.random() < 0.85, "facilities_running": rng.random() < 0.9}
                if site.kind == "scale_farm"
                else {"running": rng.random() < 0.75}
            )
            if site.kind == "sewage_station" and not site.attributes["built"]:
                continue
            count += _visit(site, user, _day(month, rng, today), answers, now)
    kind = site_kinds()["coal_seller"]
    for month in months:
        for township in townships:
            for draw in plan.month_draw(kind, month, township):
                if (
                    draw.site.is_demo and rng.random() < 0.9
                ):  # most drawn are sampled in their month
                    answers = {"sample_taken": True, "sample_passed": rng.random() < 0.88}
                    count += _visit(draw.site, user, _day(month, rng, today), answers, now)
        db.session.flush()
    return count


def _day(month: str, rng: random.Random, today: date) -> date:
    year, number = int(month[:4]), int(month[5:])
    day = date(year, number, rng.randint(3, 24))
    return min(day, today)


def _visit(site: Site, user: User, on: date, answers: dict, now) -> int:
    key = str(uuid.UUID(int=random.Random(f"{SEED}-{site.code}-{on}").getrandbits(128)))
    payload = canonical(
        {"client_uuid": key, "site_code": site.code, "inspected_on": on, "answers": answers}
    )
    if db.session.execute(
        select(SiteInspection.id).where(SiteInspection.client_uuid == key)
    ).first():
        return 0
    visit = SiteInspection(
        client_uuid=key,
        site_id=site.id,
        inspector_id=user.id,
        inspected_on=on,
        answers=payload["answers"],
        form_version=site_kinds()[site.kind].form.version,
        content_hash=content_hash(payload),
        status="approved",
        is_demo=True,
        created_at=now,
        updated_at=now,
    )
    visit.revisions.append(
        SiteInspectionRevision(number=1, payload=payload, author_id=user.id, created_at=now)
    )
    db.session.add(visit)
    return 1


def clear_demo_sites() -> int:
    """Remove the demo sites, their inspections and draws; the number of sites removed."""
    demo_sites = select(Site.id).where(Site.is_demo.is_(True)).scalar_subquery()
    demo_visits = select(SiteInspection.id).where(SiteInspection.site_id.in_(demo_sites))
    db.session.execute(
        delete(SiteInspectionRevision).where(
            SiteInspectionRevision.inspection_id.in_(demo_visits.scalar_subquery())
        )
    )
    db.session.execute(delete(SiteInspection).where(SiteInspection.site_id.in_(demo_sites)))
    db.session.execute(delete(SamplingDraw).where(SamplingDraw.site_id.in_(demo_sites)))
    return db.session.execute(delete(Site).where(Site.is_demo.is_(True))).rowcount
