"""GET /api/v1/counties, /api/v1/townships and /api/v1/villages.

Counties and townships (names and NBS codes, public data) are listed to every signed-in role;
villages only within the caller's scope (app/accounts/access.py). The lists are
app/geography/listings.py's."""

from flask import abort

from app.accounts.access import county_or_abort, township_or_abort
from app.accounts.policy import allow
from app.geography.listings import UnknownCounty, county_rows, township_rows, villages_of
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
    return {"counties": counties_schema.dump(county_rows())}


@bp.get("/townships")
@allow("geography.read")
def list_townships():
    """Every township, or with `?county=` that county's."""
    query = township_query_schema.load(query_args())
    try:
        rows = township_rows(query.get("county"))
    except UnknownCounty:
        abort(404)
    return {"townships": townships_schema.dump(rows)}


@bp.get("/villages")
@allow("geography.read")
def list_villages():
    """The villages in the caller's scope, optionally of one county or township (404 unknown,
    403 outside the scope)."""
    query = village_query_schema.load(query_args())
    township, county = None, None
    if "township" in query:
        township = township_or_abort(query["township"])
    elif "county" in query:
        county = county_or_abort(query["county"], whole=True)
    return {"villages": villages_schema.dump(villages_of(township, county))}
