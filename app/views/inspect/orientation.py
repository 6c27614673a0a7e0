"""Where an inspector stands: each village's state this quarter on the village list, and
/inspect/mine (我的检查), their own inspections with the returned ones first.

A village's state is the most pressing of its live inspections this quarter (the county's
quarter): returned (已退回, something to fix) over waiting for review (已提交) over approved
(已通过); with none it is not inspected (未检查). "Waiting to send" (待发送) is the phone's own
knowledge: offline-panel.js marks it from the queue over what the server says.
"""

from flask import g, render_template

from app.accounts.policy import allow
from app.clock import county_today
from app.extensions import db
from app.inspections.changes import live
from app.models import Inspection
from app.periods import quarter_of
from app.views.inspect.blueprint import bp

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


@bp.get("/mine")
@allow("inspection.mine")
def mine():
    return render_template(
        "inspect/mine.html", inspections=my_inspections(g.actor.id), quarter=current_quarter()
    )


def village_list(statement) -> dict:
    """What the village list needs: the villages of `statement` (already limited to the
    caller's scope), their states this quarter, and the quarter."""
    villages = db.session.execute(statement).scalars().all()
    quarter = current_quarter()
    return {
        "villages": villages,
        "states": village_states([v.id for v in villages], quarter),
        "quarter": quarter,
    }
