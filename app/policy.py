"""Who may do what: one declared table, one decorator that every route uses.

Each route names an action; the table says which roles may perform it. Township roles
(inspector, township lead) are further limited to their own township by `in_scope`. A route
without a declared action fails the route-by-role test, so nothing is reachable by accident.
"""

from functools import wraps

from flask import abort, g

ALL_ROLES = frozenset({"inspector", "township_lead", "county_admin", "viewer"})

COUNTY_ADMIN = frozenset({"county_admin"})

# Role-level rules. Object-level rules (own township; own inspection; not once approved) are
# applied by the views through `in_scope` and app/review.py, answering 404 where the object's
# existence is not the caller's to know.
POLICY: dict[str, frozenset[str]] = {
    "public": frozenset(),  # no login needed (login page, health, static)
    "account": ALL_ROLES,  # anything a signed-in person does to their own session
    "geography.read": ALL_ROLES,
    # Viewers see dashboards and maps only (roll-ups, never single inspections).
    "dashboard.read": ALL_ROLES,
    "map.read": ALL_ROLES,
    "inspection.create": frozenset({"inspector", "county_admin"}),
    "inspection.read": frozenset({"inspector", "township_lead", "county_admin"}),
    # An inspector edits (and withdraws) only their own inspections, and only until approved.
    "inspection.edit": frozenset({"inspector", "county_admin"}),
    "inspection.delete": frozenset({"inspector", "township_lead", "county_admin"}),
    "inspection.review": frozenset({"township_lead", "county_admin"}),  # approve / return
    "inspection.reopen": COUNTY_ADMIN,
    "inspection.restore": COUNTY_ADMIN,
    "audit.read": COUNTY_ADMIN,
    "settings.manage": COUNTY_ADMIN,
    "dashboard.export": ALL_ROLES,
    "map.boundaries": COUNTY_ADMIN,
    "map.locate": COUNTY_ADMIN,
    # Roll-ups: the county level is open to every official; township and village figures are
    # further limited to the township scope in the views.
    "rollup.read": ALL_ROLES,
    "targets.manage": COUNTY_ADMIN,
    "photo.read": frozenset({"inspector", "township_lead", "county_admin"}),
    "flags.read": frozenset({"township_lead", "county_admin"}),
    "rescue.import": frozenset({"county_admin"}),
}


def allowed(role: str | None, action: str) -> bool:
    if action == "public":
        return True
    return role in POLICY[action]


COUNTY_WIDE_ROLES = frozenset({"county_admin", "viewer"})


def township_scope(user) -> int | None:
    """The one township a township role is limited to; None for county-wide roles.
    (The users table requires a township for township roles.)"""
    return None if user.role in COUNTY_WIDE_ROLES else user.township_id


def in_scope(user, township_id: int | None) -> bool:
    """County roles see the whole county; township roles only their own township."""
    scope = township_scope(user)
    return scope is None or scope == township_id


def allow(action: str):
    """Declare the action a route performs and enforce it.

    The actor comes from `g.actor` (set from the session or an API token). Refusals are plain
    401/403 aborts; the app's error handlers answer them as JSON under /api and as a login
    redirect or an error page elsewhere.
    """
    if action not in POLICY:
        raise ValueError(f"undeclared action {action!r}")

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if action != "public":
                actor = g.get("actor")
                if actor is None:
                    abort(401)
                if not allowed(actor.role, action):
                    abort(403)
            return view(*args, **kwargs)

        guarded.policy_action = action
        return guarded

    return decorate
