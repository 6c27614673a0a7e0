"""Looking a unit or an object up by its code for the signed-in actor: the one place where "no
such thing" becomes 404 and "not yours" becomes 403 (or 404, where whether it exists is not the
caller's to know), and where a listing is limited to the actor's scope (app/accounts/policy.py).

The views used to do this each their own way (four township look-ups, three village look-ups,
two scope filters); with counties above townships they would each have needed a county too.
"""

from flask import abort, g

from app.accounts.policy import covers, in_scope, permitted, scope_of, sees_county
from app.extensions import db
from app.models import County, Township, Village


def init_app(app) -> None:
    """`may(action)` in templates: whether to show a link the actor could follow."""
    app.jinja_env.globals["may"] = may


def may(action: str) -> bool:
    actor = g.get("actor")
    return actor is not None and permitted(actor, action)


def county_or_abort(code: str, whole: bool = False) -> County:
    """404 for an unknown county. 403 for one the actor may not see: its own figures (total,
    trend) are open to a township role of the county as well; with `whole` (its townships and
    villages, its exports) the county must lie inside the actor's scope."""
    county = db.session.execute(db.select(County).where(County.code == code)).scalar()
    if county is None:
        abort(404)
    if whole:
        allowed = covers(scope_of(g.actor), None, county.id)
    else:
        allowed = sees_county(g.actor, county.id)
    if not allowed:
        abort(403)
    return county


def township_or_abort(code: str) -> Township:
    """404 for an unknown township, 403 for one outside the actor's scope."""
    township = db.session.execute(db.select(Township).where(Township.code == code)).scalar()
    if township is None:
        abort(404)
    if not in_scope(g.actor, township):
        abort(403)
    return township


def township_figures_or_abort(code: str) -> Township:
    """A township whose aggregate figures (its row, its trend) the actor asks for: open to every
    official of its county, as the county page and the townships export always showed them (the
    county's own bulletin ranks its townships). Its villages and inspections are not: those go
    through `township_or_abort` and `village_or_abort`."""
    township = db.session.execute(db.select(Township).where(Township.code == code)).scalar()
    if township is None:
        abort(404)
    if not sees_county(g.actor, township.county_id):
        abort(403)
    return township


def village_or_abort(code: str, hide: bool = False) -> Village:
    """404 for an unknown village; for one outside the actor's scope 403, or with `hide` 404
    (pages about one village's inspections: its existence is not the caller's to know)."""
    village = db.session.execute(db.select(Village).where(Village.code == code)).scalar()
    if village is None:
        abort(404)
    if not in_scope(g.actor, village.township):
        abort(404 if hide else 403)
    return village


def limit_to_scope(statement, township_id=Village.township_id):
    """`statement` limited to the villages (by their township column) in the actor's scope."""
    scope = scope_of(g.actor)
    if scope.level == "township":
        return statement.where(township_id == scope.id)
    if scope.level == "county":
        in_county = db.select(Township.id).where(Township.county_id == scope.id)
        return statement.where(township_id.in_(in_county))
    return statement


def scope_unit(user=None) -> County | Township | None:
    """The row of the actor's scope: their township or county; None for the whole deployment."""
    scope = scope_of(user or g.actor)
    if scope.level == "province":
        return None
    return db.session.get(Township if scope.level == "township" else County, scope.id)


def home_county(user=None) -> County | None:
    """The county the actor's scope lies in (a township role's county, a county admin's or
    viewer's own); for the whole deployment, its county when it has exactly one, else None."""
    unit = scope_unit(user)
    if isinstance(unit, Township):
        return unit.county
    if unit is not None:
        return unit
    counties = db.session.execute(db.select(County).order_by(County.code).limit(2)).scalars()
    counties = counties.all()
    return counties[0] if len(counties) == 1 else None


def county_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(County))
