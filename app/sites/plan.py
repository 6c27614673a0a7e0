"""The sampling plan, stored: a month's draw for a township is made once, the first time anyone
asks for it, and then read (the unique key (kind, month, site) makes a second drawer's rows fail
and its caller read the first's). A county admin may add or remove a site by hand; that is kept
with source "admin" (a site taken out stays as a row with source "removed", so the month is
never drawn again behind the admin's back) and audited.

"Sampled" means the kind's `sampling.sampled_when` answer is true (a coal seller's
`sample_taken`) on an inspection of that site in the period.
"""

from calendar import monthrange
from contextlib import contextmanager
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from app.accounts.audit import record
from app.clock import utc_now
from app.db import end_read_transaction, write_intent
from app.extensions import db
from app.models import SamplingDraw, Site, SiteInspection, Township, Village
from app.periods import parse_month
from app.sites.draw import Candidate, draw, required
from app.sites.kinds import SiteKind


def _sampled(kind: SiteKind, answers: dict) -> bool:
    field = kind.sampling.sampled_when if kind.sampling else None
    return True if field is None else answers.get(field) is True


def due_on(kind: SiteKind, month: str) -> date:
    period = parse_month(month)
    last = monthrange(period.start.year, period.start.month)[1]
    return period.start.replace(day=min(kind.sampling.due_day, last))


def open_sites(kind: SiteKind, township_id: int, on: date) -> list[Site]:
    """The township's sites of the kind open on `on` (closed later still counted)."""
    statement = (
        db.select(Site)
        .join(Village, Site.village_id == Village.id)
        .where(Site.kind == kind.key, Village.township_id == township_id)
        .where(db.or_(Site.status == "open", Site.closed_on > on))
        .order_by(Site.code)
    )
    return list(db.session.execute(statement).scalars())


def sampled_ids(kind: SiteKind, site_ids: list[int], start: date, end: date) -> set[int]:
    """Ids of the sites sampled between start and end (inclusive)."""
    if not site_ids:
        return set()
    rows = db.session.execute(
        db.select(SiteInspection.site_id, SiteInspection.answers).where(
            SiteInspection.site_id.in_(site_ids),
            SiteInspection.inspected_on.between(start, end),
        )
    )
    return {site_id for site_id, answers in rows if _sampled(kind, answers or {})}


def month_draw(kind: SiteKind, month: str, township: Township) -> list[SamplingDraw]:
    """The township's draw for the month, drawing it now if nobody has yet."""
    rows = _stored(kind, month, township.id)
    if rows:
        return rows
    period = parse_month(month)
    sites = open_sites(kind, township.id, period.start)
    if not sites:
        return []
    ids = [s.id for s in sites]
    year_start = period.start.replace(month=1, day=1)
    before = date.fromordinal(period.start.toordinal() - 1)
    sampled = sampled_ids(kind, ids, year_start, before) if period.start.month > 1 else set()
    earlier = _earlier_draws(kind, month, ids)
    candidates = [Candidate(s.code, s.id in sampled, earlier.get(s.id, 0)) for s in sites]
    chosen = draw(kind.key, month, township.code, kind.sampling.share, candidates)
    by_code = {s.code: s for s in sites}
    now, due = utc_now(), due_on(kind, month)
    with write_lock_in_a_read():
        rows = _stored(kind, month, township.id)
        if rows:  # drawn meanwhile by another request: theirs
            return rows
        try:
            with db.session.begin_nested():
                for code in chosen:
                    db.session.add(
                        SamplingDraw(
                            kind=kind.key,
                            month=month,
                            township_id=township.id,
                            site_id=by_code[code].id,
                            due_on=due,
                            drawn_at=now,
                            source="draw",
                        )
                    )
        except IntegrityError:  # drawn at the same moment by another request: read theirs
            pass
    return _stored(kind, month, township.id)


@contextmanager
def write_lock_in_a_read():
    """The draw is the one write a page read (GET) makes. On SQLite a read's transaction is
    deferred (app/db.py), and upgrading it to a write while another worker writes fails at once
    with "database is locked" (a 500 on 待办, seen when the service worker's fetch of the offline
    data drew the month beside it). So the read's transaction ends (keeping what it loaded), the
    draw runs in its own BEGIN IMMEDIATE, which waits for the lock, and is committed at once.
    PostgreSQL, and requests that already write, need none of this."""
    if db.engine.dialect.name != "sqlite" or write_intent.get():
        yield
        return
    end_read_transaction()
    token = write_intent.set(True)  # the next BEGIN is IMMEDIATE
    session = db.session()
    try:
        yield
        session.expire_on_commit = False  # keep what the page loaded
        try:
            session.commit()
        finally:
            session.expire_on_commit = True
    except BaseException:
        session.rollback()
        raise
    finally:
        write_intent.reset(token)


def required_count(kind: SiteKind, month: str, township: Township) -> int:
    period = parse_month(month)
    sites = open_sites(kind, township.id, period.start)
    ids = [s.id for s in sites]
    before = date.fromordinal(period.start.toordinal() - 1)
    year_start = period.start.replace(month=1, day=1)
    sampled = sampled_ids(kind, ids, year_start, before) if period.start.month > 1 else set()
    return required(kind.sampling.share, len(sites), len(ids) - len(sampled), period.start.month)


def month_plans(kind: SiteKind, month: str, townships: list[Township]) -> list[tuple]:
    """(township, its kept draws, the rule's required count, ids of its drawn sites sampled this
    month) for each township with open sites or draws, in the given order: what month_draw,
    required_count and sampled_ids give one township at a time, read for all of them together
    (4 statements, whatever their number) once the month is drawn; a township not yet drawn
    is drawn now, as month_draw does."""
    period = parse_month(month)
    ids = [t.id for t in townships]
    stored = _stored_by_township(kind, month, ids)
    open_by_township = _open_by_township(kind, ids, period.start)
    for township in townships:
        if township.id not in stored and open_by_township.get(township.id):
            stored[township.id] = month_draw(kind, month, township)
    before = date.fromordinal(period.start.toordinal() - 1)
    year_start = period.start.replace(month=1, day=1)
    open_ids = [s.id for sites in open_by_township.values() for s in sites]
    sampled_before = (
        sampled_ids(kind, open_ids, year_start, before) if period.start.month > 1 else set()
    )
    kept = {tid: [r for r in rows if r.source != "removed"] for tid, rows in stored.items()}
    drawn_ids = [r.site_id for rows in kept.values() for r in rows]
    sampled_now = sampled_ids(kind, drawn_ids, period.start, period.end)
    out = []
    for township in townships:
        rows, sites = kept.get(township.id, []), open_by_township.get(township.id, [])
        if not rows and not sites:
            continue
        not_sampled = sum(s.id not in sampled_before for s in sites)
        needed = required(kind.sampling.share, len(sites), not_sampled, period.start.month)
        out.append((township, rows, needed, {r.site_id for r in rows} & sampled_now))
    return out


def _stored_by_township(kind: SiteKind, month: str, township_ids: list[int]) -> dict:
    """The month's stored draws (removed ones too) by township, each by site code, their sites
    loaded with them."""
    statement = (
        db.select(SamplingDraw)
        .join(Site, SamplingDraw.site_id == Site.id)
        .options(contains_eager(SamplingDraw.site))
        .where(
            SamplingDraw.kind == kind.key,
            SamplingDraw.month == month,
            SamplingDraw.township_id.in_(township_ids),
        )
        .order_by(Site.code)
    )
    out: dict[int, list[SamplingDraw]] = {}
    for row in db.session.execute(statement).scalars():
        out.setdefault(row.township_id, []).append(row)
    return out


def _open_by_township(kind: SiteKind, township_ids: list[int], on: date) -> dict:
    """open_sites for several townships in one statement: {township id: sites by code}."""
    statement = (
        db.select(Village.township_id, Site)
        .join(Village, Site.village_id == Village.id)
        .where(Site.kind == kind.key, Village.township_id.in_(township_ids))
        .where(db.or_(Site.status == "open", Site.closed_on > on))
        .order_by(Site.code)
    )
    out: dict[int, list[Site]] = {}
    for township_id, site in db.session.execute(statement).all():
        out.setdefault(township_id, []).append(site)
    return out


def _stored(kind: SiteKind, month: str, township_id: int) -> list[SamplingDraw]:
    statement = (
        db.select(SamplingDraw)
        .join(Site, SamplingDraw.site_id == Site.id)
        .where(
            SamplingDraw.kind == kind.key,
            SamplingDraw.month == month,
            SamplingDraw.township_id == township_id,
        )
        .order_by(Site.code)
    )
    return list(db.session.execute(statement).scalars())


def _earlier_draws(kind: SiteKind, month: str, site_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        db.select(SamplingDraw.site_id, db.func.count())
        .where(
            SamplingDraw.kind == kind.key,
            SamplingDraw.site_id.in_(site_ids),
            SamplingDraw.month >= f"{month[:4]}-01",
            SamplingDraw.month < month,
            SamplingDraw.source != "removed",
        )
        .group_by(SamplingDraw.site_id)
    )
    return dict(rows.all())


def adjust(kind: SiteKind, month: str, site: Site, add: bool, actor) -> None:
    """A county admin adds a site to a month's draw or takes one out."""
    township_id = site.village.township_id
    month_draw(kind, month, site.village.township)  # the draw exists before it is adjusted
    row = db.session.execute(
        db.select(SamplingDraw).where(
            SamplingDraw.kind == kind.key,
            SamplingDraw.month == month,
            SamplingDraw.site_id == site.id,
        )
    ).scalar_one_or_none()
    if add and row is None:
        db.session.add(
            SamplingDraw(
                kind=kind.key,
                month=month,
                township_id=township_id,
                site_id=site.id,
                due_on=due_on(kind, month),
                drawn_at=utc_now(),
                source="admin",
            )
        )
    elif add and row.source == "removed":
        row.source = "admin"
    elif not add and row is not None and row.source != "removed":
        # kept, marked: the month stays drawn (an empty township is not drawn again)
        row.source = "removed"
    else:
        return
    record("sampling.adjust", site, actor=actor, month=month, kind=kind.key, added=add)
