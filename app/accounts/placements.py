"""Where an admin may place a person: the townships and counties they reach (a county admin
only their own county's), and the rows a placement form's codes name."""

from app.accounts.policy import scope_of
from app.extensions import db
from app.models import County, Township, User


def placement_options(actor: User) -> tuple[list[Township], list[County]]:
    """The townships and counties `actor` may place people in, ordered by code."""
    scope = scope_of(actor)
    townships = db.select(Township).order_by(Township.code)
    if scope.level == "county":
        townships = townships.where(Township.county_id == scope.id)
    counties = db.session.scalars(db.select(County).order_by(County.code)).all()
    if scope.level == "county":
        counties = [c for c in counties if c.id == scope.id]
    return db.session.scalars(townships).all(), counties


def placement_rows(township_code: str, county_code: str) -> tuple[Township | None, County | None]:
    """The township and county a form's codes name (None for "—" or an unknown code)."""
    township = db.session.scalar(db.select(Township).where(Township.code == township_code))
    county = db.session.scalar(db.select(County).where(County.code == county_code))
    return township, county
