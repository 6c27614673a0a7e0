"""/inspect/mine (我的检查): the inspector's own inspections, the returned ones first
(app/inspections/orientation.py)."""

from flask import g, render_template

from app.accounts.policy import allow
from app.inspections.orientation import current_quarter, my_inspections
from app.views.inspect.blueprint import bp


@bp.get("/mine")
@allow("inspection.mine")
def mine():
    return render_template(
        "inspect/mine.html", inspections=my_inspections(g.actor.id), quarter=current_quarter()
    )
