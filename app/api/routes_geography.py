"""GET /api/v1/townships and /api/v1/villages."""

from flask import abort, g

from app.api import bp
from app.api.body import query_args
from app.api.schemas import townships_schema, village_query_schema, villages_schema
from app.extensions import db
from app.models import Township, Village
from app.policy import allow, in_scope, township_scope


@bp.get("/townships")
@allow("geography.read")
def list_townships():
    townships = db.session.execute(db.select(Township).order_by(Township.code)).scalars().all()
    counts = dict(
        db.session.execute(
            db.select(Village.township_id, db.func.count())
            .where(Village.kind == "village")
            .group_by(Village.township_id)
        ).all()
    )
    rows = [
        {
            "code": t.code,
            "name": t.name,
            "kind": t.kind,
            "lat": t.lat,
            "lon": t.lon,
            "village_count": counts.get(t.id, 0),
        }
        for t in townships
    ]
    return {"townships": townships_schema.dump(rows)}


@bp.get("/villages")
@allow("geography.read")
def list_villages():
    """An inspector lists only their own township's villages; others may filter by township."""
    query = village_query_schema.load(query_args())
    statement = db.select(Village).join(Village.township).order_by(Village.code)
    if "township" in query:
        township = db.session.execute(
            db.select(Township).where(Township.code == query["township"])
        ).scalar_one_or_none()
        if township is None:
            abort(404)
        if not in_scope(g.actor, township.id):
            abort(403)
        statement = statement.where(Village.township_id == township.id)
    elif (scope := township_scope(g.actor)) is not None:
        statement = statement.where(Village.township_id == scope)
    villages = db.session.execute(statement).scalars().all()
    return {"villages": villages_schema.dump(villages)}
