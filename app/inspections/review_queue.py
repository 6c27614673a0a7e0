"""The review queue as the lead pages through it: the inspections waiting for review within the
actor's scope (app/accounts/access.py), newest first (the latest sent or corrected on top), one
page at a time, filtered by township, status, village and inspection date, and searched by
village name.

A page is two statements whatever the filters: the page's rows (village, township, inspector,
flags and revisions loaded with them) and the count of all that match.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import joinedload, selectinload

from app.accounts.access import limit_to_scope
from app.extensions import db
from app.inspections.changes import live
from app.inspections.review import REVIEWABLE
from app.models import Inspection, Village

PAGE_SIZE = 20  # each row also reads its evidence on the page: a page stays small


@dataclass(frozen=True)
class QueueFilter:
    township_id: int | None = None
    status: str | None = None  # "submitted" | "resubmitted"
    village_id: int | None = None
    since: date | None = None  # inspected on or after
    until: date | None = None  # inspected on or before
    search: str | None = None  # part of the village's name


@dataclass(frozen=True)
class QueuePage:
    rows: list
    total: int  # all that match the filter
    page: int
    pages: int  # at least 1


def _matching(statement, wanted: QueueFilter):
    statement = statement.join(Inspection.village).where(
        live(), Inspection.status.in_(sorted(REVIEWABLE))
    )
    if wanted.township_id is not None:
        statement = statement.where(Village.township_id == wanted.township_id)
    if wanted.status is not None:
        statement = statement.where(Inspection.status == wanted.status)
    if wanted.village_id is not None:
        statement = statement.where(Inspection.village_id == wanted.village_id)
    if wanted.since is not None:
        statement = statement.where(Inspection.inspected_on >= wanted.since)
    if wanted.until is not None:
        statement = statement.where(Inspection.inspected_on <= wanted.until)
    if wanted.search:
        # A literal part of the name: % and _ typed by the lead match themselves.
        escaped = wanted.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(Village.name.like(f"%{escaped}%", escape="\\"))
    return limit_to_scope(statement)


def review_page(wanted: QueueFilter, page: int, size: int = PAGE_SIZE) -> QueuePage:
    """Page `page` (from 1) of the waiting inspections matching `wanted`, newest first; a page
    past the last shows the last."""
    total = db.session.scalar(_matching(db.select(db.func.count()).select_from(Inspection), wanted))
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    statement = (
        _matching(db.select(Inspection), wanted)
        .order_by(Inspection.updated_at.desc(), Inspection.id.desc())
        .offset((page - 1) * size)
        .limit(size)
        .options(
            joinedload(Inspection.village).joinedload(Village.township),
            joinedload(Inspection.inspector),
            selectinload(Inspection.flags),
            selectinload(Inspection.revisions),
        )
    )
    rows = db.session.execute(statement).unique().scalars().all()
    return QueuePage(rows, total, page, pages)
