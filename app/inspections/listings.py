"""The inspections as the review pages list them, within the actor's scope
(app/accounts/access.py): the queue waiting for review, and the GPS flags to look at."""

from sqlalchemy.orm import joinedload, selectinload

from app.accounts.access import limit_to_scope
from app.extensions import db
from app.inspections.changes import live
from app.inspections.review import REVIEWABLE
from app.models import Inspection, InspectionFlag, Village


def waiting_for_review(limit: int) -> tuple[list[Inspection], int]:
    """The oldest `limit` inspections waiting for review (with their village, township,
    inspector, flags and revisions loaded) and how many wait in all."""
    statement = (
        db.select(Inspection)
        .join(Inspection.village)
        .where(live(), Inspection.status.in_(sorted(REVIEWABLE)))
        .order_by(Inspection.created_at, Inspection.id)
        .limit(limit)
        .options(
            joinedload(Inspection.village).joinedload(Village.township),
            joinedload(Inspection.inspector),
            selectinload(Inspection.flags),
            selectinload(Inspection.revisions),
        )
    )
    waiting = db.session.execute(limit_to_scope(statement)).scalars().all()
    total = db.session.scalar(
        limit_to_scope(
            db.select(db.func.count())
            .select_from(Inspection)
            .join(Inspection.village)
            .where(live(), Inspection.status.in_(sorted(REVIEWABLE)))
        )
    )
    return waiting, total


def flagged(limit: int) -> list:
    """(flag, inspection, village) rows of live inspections, newest inspection first."""
    statement = (
        db.select(InspectionFlag, Inspection, Village)
        .join(Inspection, InspectionFlag.inspection_id == Inspection.id)
        .join(Village, Inspection.village_id == Village.id)
        .where(live())  # a deleted inspection's flags went with it
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
    )
    return db.session.execute(limit_to_scope(statement).limit(limit)).all()
