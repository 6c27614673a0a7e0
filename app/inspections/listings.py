"""The inspections as the pages list them: the GPS flags within the actor's scope
(app/accounts/access.py), a village's inspections and a township's latest per village, and
whether a period holds demo inspections (the dashboard's banner). The review queue is
app/inspections/review_queue.py."""

from app.accounts.access import limit_to_scope
from app.extensions import db
from app.inspections.changes import live
from app.models import Inspection, InspectionFlag, Township, Village
from app.periods import parse_period


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


def village_inspections(village_id: int, period: str | None = None) -> list[Inspection]:
    """A village's live inspections (those inspected in `period` if given), newest first."""
    statement = (
        db.select(Inspection)
        .where(Inspection.village_id == village_id, live())
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
    )
    if period is not None:
        bounds = parse_period(period)
        statement = statement.where(Inspection.inspected_on.between(bounds.start, bounds.end))
    return db.session.execute(statement).scalars().all()


def latest_by_village(township_id: int) -> dict[str, int]:
    """village code → id of its latest live inspection, for a township's villages."""
    statement = (
        db.select(Village.code, db.func.max(Inspection.id))
        .join(Inspection.village)
        .where(Village.township_id == township_id, live())
        .group_by(Village.code)
    )
    return dict(db.session.execute(statement).all())


def has_demo_inspections(
    period: str, county_id: int | None = None, township_id: int | None = None
) -> bool:
    """Whether any demo inspection falls in `period`, in a county's or a township's villages
    (or anywhere)."""
    bounds = parse_period(period)
    statement = (
        db.select(db.func.count())
        .select_from(Inspection)
        .where(
            Inspection.is_demo.is_(True), Inspection.inspected_on.between(bounds.start, bounds.end)
        )
    )
    if township_id is not None:
        villages = db.select(Village.id).where(Village.township_id == township_id)
        statement = statement.where(Inspection.village_id.in_(villages))
    elif county_id is not None:
        villages = db.select(Village.id).join(Township).where(Township.county_id == county_id)
        statement = statement.where(Inspection.village_id.in_(villages))
    return bool(db.session.scalar(statement))
