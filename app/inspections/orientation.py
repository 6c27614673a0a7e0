"""Where an inspector stands: each village's state this quarter on the village list, the
inspections returned to them, and their own inspections with the returned ones first (the pages
/inspect/ and /inspect/mine, app/views/inspect).

A village's state is the most pressing of its live inspections this quarter (the county's
quarter): returned (已退回, something to fix) over waiting for review (已提交) over approved
(已通过); with none it is not inspected (未检查). "Waiting to send" (待发送) is the phone's own
knowledge: offline-panel.js marks it from the queue over what the server says.
"""

from app.accounts.access import limit_to_scope
from app.clock import county_today
from app.extensions import db
from app.inspections.changes import live
from app.models import Inspection, Township, Village
from app.periods import quarter_of

# Most pressing first; resubmitted waits for review like submitted.
STATE_OF_STATUS = {
    "returned": "returned",
    "submitted": "submitted",
    "resubmitted": "submitted",
    "approved": "approved",
}
PRIORITY = ("returned", "submitted", "approved")
MINE_LIMIT = 200


def village_states(village_ids: list[int], quarter: str) -> dict[int, str]:
    """{village id: returned | submitted | approved | not_inspected} for `quarter`."""
    rows = db.session.execute(
        db.select(Inspection.village_id, Inspection.status).where(
            Inspection.quarter == quarter, live(), Inspection.village_id.in_(village_ids)
        )
    ).all()
    found: dict[int, set[str]] = {}
    for village_id, status in rows:
        found.setdefault(village_id, set()).add(STATE_OF_STATUS.get(status, "submitted"))
    return {
        vid: next((s for s in PRIORITY if s in found.get(vid, ())), "not_inspected")
        for vid in village_ids
    }


def current_quarter() -> str:
    return quarter_of(county_today())


def my_inspections(user_id: int) -> list[Inspection]:
    """The person's live inspections: returned ones first (latest review first), then the
    rest, newest first."""
    rows = (
        db.session.execute(
            db.select(Inspection)
            .where(Inspection.inspector_id == user_id, live())
            .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
            .limit(MINE_LIMIT)
        )
        .scalars()
        .all()
    )
    returned = sorted(
        (i for i in rows if i.status == "returned"),
        key=lambda i: (i.reviewed_at is not None, i.reviewed_at),
        reverse=True,
    )
    return returned + [i for i in rows if i.status != "returned"]


def village_list() -> dict:
    """What the village list needs: the villages in the actor's scope (by township, then
    village code), their states this quarter, and the quarter."""
    statement = db.select(Village).join(Village.township).order_by(Township.code, Village.code)
    villages = db.session.execute(limit_to_scope(statement)).scalars().all()
    quarter = current_quarter()
    return {
        "villages": villages,
        "states": village_states([v.id for v in villages], quarter),
        "quarter": quarter,
    }


def returned_to(user_id: int) -> list[Inspection]:
    """What a lead sent back to this inspector (live), the latest review first."""
    statement = (
        db.select(Inspection)
        .where(Inspection.inspector_id == user_id, live(), Inspection.status == "returned")
        .order_by(Inspection.reviewed_at.desc())
    )
    return db.session.execute(statement).scalars().all()
