"""What a phone keeps to open the form offline for any village it may inspect and any inspection
returned to its inspector, read from the register, never from another village's page (issue 20).

The service worker fetches this on every online visit (`/inspect/offline-data`,
app/views/inspect/offline_views.py) and builds each offline form from the form's shell and one
entry here: the village's own name, township and register figures, or the returned inspection's
stored answers, revision and the reviewer's comment.
"""

from dataclasses import dataclass

from sqlalchemy.orm import contains_eager, selectinload

from app.accounts.access import limit_to_scope
from app.extensions import db
from app.inspections.changes import live
from app.models import Inspection, Township, Village


@dataclass(frozen=True)
class Returned:
    inspection: Inspection
    payload: dict  # the stored revision's answers
    revision: int


def villages_in_scope() -> list[Village]:
    """The actor's villages with their townships, by township then village code (one query)."""
    statement = (
        db.select(Village)
        .join(Village.township)
        .options(contains_eager(Village.township))
        .order_by(Township.code, Village.code)
    )
    return db.session.execute(limit_to_scope(statement)).scalars().all()


def returned_with_answers(user_id: int) -> list[Returned]:
    """The live inspections returned to this inspector, each with its latest revision."""
    statement = (
        db.select(Inspection)
        .where(Inspection.inspector_id == user_id, live(), Inspection.status == "returned")
        .options(
            selectinload(Inspection.revisions),
            selectinload(Inspection.village).selectinload(Village.township),
        )
        .order_by(Inspection.reviewed_at.desc())
    )
    out = []
    for inspection in db.session.execute(statement).scalars():
        latest = inspection.revisions[-1]
        out.append(Returned(inspection, latest.payload, latest.number))
    return out
