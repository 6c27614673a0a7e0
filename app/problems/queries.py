"""Reading the ledger: the problems in a person's scope (filtered), one problem as a document,
and the villages with a problem not closed that the map marks. Overdue is the ledger's rule
(app/problems/ledger.py) in SQL: not closed and deadline before the county's today. The counts
per township at a period's end (dashboard, bulletin) are app/problems/as_of.py."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import url_for
from sqlalchemy import case, func
from sqlalchemy.orm import contains_eager, joinedload

from app.accounts.policy import scope_of
from app.extensions import db
from app.models import Problem, Site, Township, Village
from app.problems import ledger
from app.problems.categories import label


def scoped(statement, actor):
    """`statement` (joined to Village and Township) limited to the actor's scope."""
    scope = scope_of(actor)
    if scope.level == "township":
        return statement.where(Village.township_id == scope.id)
    if scope.level == "county":
        return statement.where(Township.county_id == scope.id)
    return statement


def overdue_clause(today: date):
    return (Problem.status != ledger.CLOSED) & (Problem.deadline < today)


def problems_for(
    actor,
    today: date,
    *,
    status=None,
    overdue=None,
    township=None,
    village=None,
    site=None,
    limit=200,
) -> list[Problem]:
    """The actor's problems, by deadline; `limit` None for all of them (the ledger export)."""
    statement = (
        db.select(Problem)
        .join(Problem.village)
        .join(Village.township)
        .options(
            contains_eager(Problem.village).contains_eager(Village.township),
            joinedload(Problem.created_by),
        )
        .order_by(Problem.deadline, Problem.id)
        .limit(limit)
    )
    statement = scoped(statement, actor)
    if status:
        statement = statement.where(Problem.status == status)
    if overdue is not None:
        clause = overdue_clause(today)
        statement = statement.where(clause if overdue else ~clause)
    if township:
        statement = statement.where(Township.code == township)
    if village:
        statement = statement.where(Village.code == village)
    if site:  # a problem found at a site (issue 23), by the site's code
        statement = statement.where(
            Problem.site_id.in_(db.select(Site.id).where(Site.code == site))
        )
    return db.session.execute(statement).scalars().all()


def problems_of_inspection(inspection_id: int) -> list[Problem]:
    """The problems recorded on one inspection, in the order they were recorded."""
    return (
        db.session.execute(
            db.select(Problem).where(Problem.inspection_id == inspection_id).order_by(Problem.id)
        )
        .scalars()
        .all()
    )


def utc_bounds(first: date, last: date, zone: str) -> tuple[datetime, datetime]:
    """The UTC instants of 00:00 of `first` and of the day after `last`, county time."""
    tz = ZoneInfo(zone)
    start = datetime.combine(first, time(), tz)
    end = datetime.combine(last + timedelta(days=1), time(), tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def villages_with_problems(actor, today: date) -> dict[str, str]:
    """{village code: "overdue" | "open"} for villages with a problem not closed."""
    statement = (
        db.select(Village.code, func.max(case((overdue_clause(today), 1), else_=0)))
        .select_from(Problem)
        .join(Problem.village)
        .join(Village.township)
        .where(Problem.status != ledger.CLOSED)
        .group_by(Village.code)
    )
    rows = db.session.execute(scoped(statement, actor)).all()
    return {code: "overdue" if worst else "open" for code, worst in rows}


def problem_document(problem: Problem, lang: str, today: date) -> dict:
    village = problem.village
    return {
        "id": problem.id,
        "client_uuid": str(problem.client_uuid),
        "village_code": village.code,
        "village": village.name,
        "township_code": village.township.code,
        "township": village.township.name,
        "category": problem.category,
        "category_label": label(problem.category, lang),
        "description": problem.description,
        "responsible": problem.responsible,
        "deadline": problem.deadline,
        "status": problem.status,
        "overdue": ledger.is_overdue(problem.status, problem.deadline, today),
        "inspection_id": problem.inspection_id,
        "site_code": problem.site.code if problem.site_id else None,
        "created_by": problem.created_by.username,
        "created_at": problem.created_at,
        "closed_at": problem.closed_at,
        "events": [
            {
                "number": e.number,
                "kind": e.kind,
                "status_from": e.status_from,
                "status_to": e.status_to,
                "note": e.note,
                "deadline": e.deadline,
                "actor": e.actor.username,
                "at": e.at,
            }
            for e in problem.events
        ],
        "photos": [photo_document(p) for p in problem.photos],
    }


def photo_document(photo) -> dict:
    return {
        "id": photo.id,
        "client_photo_id": str(photo.client_photo_id),
        "stage": photo.stage,
        "content_type": photo.content_type,
        "width": photo.width,
        "height": photo.height,
        "url": url_for("api.problem_photo_file", photo_id=photo.id),
        "created_at": photo.created_at,
    }
