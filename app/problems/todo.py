"""The 待办 (to-do) page's contents, per role:
- an inspector: the re-checks due (fixes reported in their township) and their returned
  inspections;
- a township lead: the inspections waiting for their review, the overdue problems of their
  township, and the open ones not yet due (the township reports the fixes);
- a county admin: the overdue problems by township, and the reviews waiting in the county.
"""

from datetime import date

from app.accounts.policy import scope_of
from app.extensions import db
from app.inspections.changes import live
from app.inspections.review import REVIEWABLE
from app.models import Inspection, Township, Village
from app.problems import ledger
from app.problems.queries import problems_for

LIST_MAX = 100


def _inspections(actor, *conditions) -> list[Inspection]:
    statement = (
        db.select(Inspection)
        .join(Inspection.village)
        .join(Village.township)
        .where(live(), *conditions)
        .order_by(Inspection.created_at, Inspection.id)
        .limit(LIST_MAX)
    )
    scope = scope_of(actor)
    if scope.level == "township":
        statement = statement.where(Village.township_id == scope.id)
    elif scope.level == "county":
        statement = statement.where(Township.county_id == scope.id)
    return db.session.execute(statement).scalars().all()


def todo_for(actor, today: date) -> dict:
    out = {
        "rechecks": [],
        "returned": [],
        "reviews": [],
        "overdue": [],
        "to_fix": [],
        "by_township": {},
    }
    if actor.role == "inspector":
        out["rechecks"] = problems_for(actor, today, status=ledger.FIX_REPORTED, limit=LIST_MAX)
        out["returned"] = _inspections(
            actor, Inspection.status == "returned", Inspection.inspector_id == actor.id
        )
        return out
    out["reviews"] = _inspections(
        actor, Inspection.status.in_(sorted(REVIEWABLE)), Inspection.inspector_id != actor.id
    )
    out["overdue"] = problems_for(actor, today, overdue=True, limit=LIST_MAX)
    if actor.role == "township_lead":
        out["to_fix"] = problems_for(
            actor, today, status=ledger.OPEN, overdue=False, limit=LIST_MAX
        )
    if actor.role == "county_admin":
        for problem in out["overdue"]:
            name = problem.village.township.name
            out["by_township"].setdefault(name, []).append(problem)
    return out
