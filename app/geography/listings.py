"""The county's places as listed to their readers: counties and townships with their counts
(public data), villages within the reader's scope (app/accounts/access.py), and the names the
exports put beside codes."""

from flask import g

from app.accounts.access import limit_to_scope
from app.accounts.policy import scope_of
from app.extensions import db
from app.models import County, Township, Village


class UnknownCounty(LookupError):
    """No county has the code asked for."""


def county_rows() -> list[dict]:
    """Every county with its number of townships and of villages (a village kind only)."""
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
    return [
        {
            "code": c.code,
            "name": c.name,
            "township_count": townships.get(c.id, 0),
            "village_count": villages.get(c.id, 0),
        }
        for c in counties
    ]


def township_rows(county_code: str | None = None) -> list[dict]:
    """Every township, or `county_code`'s (UnknownCounty if none has it), with its village count."""
    statement = (
        db.select(Township, County.code)
        .join(County, County.id == Township.county_id)
        .order_by(Township.code)
    )
    if county_code is not None:
        county = db.session.execute(db.select(County.id).where(County.code == county_code)).scalar()
        if county is None:
            raise UnknownCounty(county_code)
        statement = statement.where(Township.county_id == county)
    counts = dict(
        db.session.execute(
            db.select(Village.township_id, db.func.count())
            .where(Village.kind == "village")
            .group_by(Village.township_id)
        ).all()
    )
    return [
        {
            "code": t.code,
            "name": t.name,
            "county_code": code,
            "kind": t.kind,
            "lat": t.lat,
            "lon": t.lon,
            "village_count": counts.get(t.id, 0),
        }
        for t, code in db.session.execute(statement).all()
    ]


def villages_of(township: Township | None = None, county: County | None = None) -> list[Village]:
    """The villages of `township`, else of `county`, else of the actor's scope, by code. The
    caller has checked that the township or county is within the actor's scope."""
    statement = db.select(Village).join(Village.township).order_by(Village.code)
    if township is not None:
        statement = statement.where(Village.township_id == township.id)
    elif county is not None:
        statement = statement.where(Township.county_id == county.id)
    else:
        statement = limit_to_scope(statement)
    return db.session.execute(statement).scalars().all()


def township_names_by_code() -> dict[str, str]:
    """township code → name, for every township."""
    return dict(db.session.execute(db.select(Township.code, Township.name)).all())


def village_names(village_ids) -> list[tuple[int, str, str, str]]:
    """(id, code, name, township name) of the villages `village_ids`, by village code."""
    statement = (
        db.select(Village.id, Village.code, Village.name, Township.name)
        .join(Township)
        .where(Village.id.in_(list(village_ids)))
        .order_by(Village.code)
    )
    return db.session.execute(statement).all()


def townships_in_scope() -> list[Township]:
    """The townships a reader may choose among (the review queue's filter): those of their
    county or of the whole deployment; none for a township role, whose scope is one township."""
    if scope_of(g.actor).level == "township":
        return []
    statement = limit_to_scope(db.select(Township), Township.id).order_by(Township.code)
    return db.session.execute(statement).scalars().all()


def villages_in_scope(township: Township | None) -> list[Village]:
    """The villages a reader may choose among: `township`'s, or with none chosen a township
    role's own; none otherwise (a county's hundreds make no list to pick from)."""
    if township is not None:
        statement = db.select(Village).where(Village.township_id == township.id)
    elif scope_of(g.actor).level == "township":
        statement = limit_to_scope(db.select(Village))
    else:
        return []
    return db.session.execute(statement.order_by(Village.code)).scalars().all()
