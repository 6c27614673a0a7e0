"""GET /api/v1/counties, /api/v1/townships and /api/v1/villages.

Counties and townships (names and NBS codes, public data) are listed to every signed-in role;
villages only within the caller's scope (app/accounts/access.py)."""

from flask import abort

from app.accounts.access import county_or_abort, limit_to_scope, township_or_abort
from app.accounts.policy import allow
from app.extensions import db
from app.models import County, Township, Village
from app.views.api.blueprint import bp
from app.views.api.body import query_args
from app.views.api.schemas import (
    counties_schema,
    township_query_schema,
    townships_schema,
    village_query_schema,
    villages_schema,
)


@bp.get("/counties")
@allow("geography.read")
def list_counties():
    townships = dict(
        db.session.execute(
            db.select(Township.county_id, db.func.count()).group_by(Township.county_id)
        ).all()
    )
    villages = dict(
        db.session.execute(
            db.select(Township.county_id, db.func.count())
            .select_from(Village)
            .join(Township, Township.id == Village.township_id)
            .where(Village.kind == "village")
            .group_by(Township.county_id)
        ).all()
    )
    counties = db.session.execute(db.select(County).order_by(County.code)).scalars()
    rows = [
        {
            "code": c.code,
            "name": c.name,
            "township_count": townships.get(c.id, 0),
            "village_count": villages.get(c.id, 0),
        }
        for c in counties
    ]
    return {"counties": counties_schema.dump(rows)}


@bp.get("/townships")
@allow("geography.read")
def list_townships():
    """Every township, or with `?county=` that county's."""
    query = township_query_schema.load(query_args())
    statement = (
        db.select(Township, County.code)
        .join(County, County.id == Township.county_id)
        .order_by(Township.code)
    )
    if "county" in query:
        county = db.session.execute(
            db.select(County.id).where(County.code == query["county"])
        ).scalar()
        if county is None:
            abort(404)
        statement = statement.where(Township.county_id == county)
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
            "county_code": county_code,
            "kind": t.kind,
            "lat": t.lat,
            "lon": t.lon,
            "village_count": counts.get(t.id, 0),
        }
        for t, county_code in db.session.execute(statement).all()
    ]
    return {"townships": townships_schema.dump(rows)}


@bp.get("/villages")
@allow("geography.read")
def list_villages():
    """The villages in the caller's scope, optionally of one county or township (404 unknown,
    403 outside the scope)."""
    query = village_query_schema.load(query_args())
    statement = db.select(Village).join(Village.township).order_by(Village.code)
    if "township" in query:
        township = township_or_abort(query["township"])
        statement = statement.where(Village.township_id == township.id)
    elif "county" in query:
        county = county_or_abort(query["county"], whole=True)
        statement = statement.where(Township.county_id == county.id)
    else:
        statement = limit_to_scope(statement)
    villages = db.session.execute(statement).scalars().all()
    return {"villages": villages_schema.dump(villages)}
