"""Who may do what: one declared table, one decorator that every route uses, and one scope.

Each route names an action; the table says which roles may perform it. Each person also has a
scope, `scope_of`: the whole deployment (the province), one county (a county admin or viewer
with a county), or one township (inspector, township lead). Objects are limited to the scope
by `in_scope`; the views look units and objects up through app/accounts/access.py, which applies it.
Deployment-wide actions (targets, settings, the audit log, rescue import, boundaries) need an
admin whose scope is the whole deployment. A route without a declared action fails the
route-by-role test, so nothing is reachable by accident.
"""

from functools import wraps
from typing import NamedTuple

from flask import abort, g

ALL_ROLES = frozenset({"inspector", "township_lead", "county_admin", "viewer"})

COUNTY_ADMIN = frozenset({"county_admin"})

# Role-level rules. Object-level rules (own scope; own inspection; not once approved) are
# applied by the views through `in_scope` (app/accounts/access.py) and app/inspections/review.py,
# answering 404 where
# the object's existence is not the caller's to know.
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
    # One's own inspections (/inspect/mine, 我的检查): whoever records them.
    "inspection.mine": frozenset({"inspector", "county_admin"}),
    "inspection.delete": frozenset({"inspector", "township_lead", "county_admin"}),
    "inspection.review": frozenset({"township_lead", "county_admin"}),  # approve / return
    "inspection.reopen": COUNTY_ADMIN,
    "inspection.restore": COUNTY_ADMIN,
    "audit.read": COUNTY_ADMIN,
    "settings.manage": COUNTY_ADMIN,
    "dashboard.export": ALL_ROLES,
    "map.boundaries": COUNTY_ADMIN,
    "map.locate": COUNTY_ADMIN,
    # Roll-ups: the province's total, the caller's own county's and its townships' figures are
    # open to every official of the county (pages, exports and API alike: the county bulletin
    # ranks its townships); villages' figures and inspections stay within the caller's scope
    # (app/accounts/access.py `township_figures_or_abort` vs `township_or_abort`).
    "rollup.read": ALL_ROLES,
    "targets.manage": COUNTY_ADMIN,
    # Coefficients behind the estimates: everyone may read them (inspectors see them used);
    # a county admin appends editions.
    "coefficients.read": ALL_ROLES,
    "coefficients.manage": COUNTY_ADMIN,
    "photo.read": frozenset({"inspector", "township_lead", "county_admin"}),
    "flags.read": frozenset({"township_lead", "county_admin"}),
    # A lead clears a flag with a reason (within scope: their township; a county admin's county).
    "flags.clear": frozenset({"township_lead", "county_admin"}),
    "rescue.import": frozenset({"county_admin"}),
    # People of the admin's own county (all of them for an admin without a county): the
    # object-level rule is app/accounts/people.py may_manage.
    "people.manage": COUNTY_ADMIN,
    # The rectification ledger (app/problems): recorded while inspecting or reviewing; the
    # township reports the fix; an inspector re-checks on site. Viewers see counts only.
    "problem.read": frozenset({"inspector", "township_lead", "county_admin"}),
    "problem.record": frozenset({"inspector", "township_lead", "county_admin"}),
    "problem.photo": frozenset({"inspector", "township_lead", "county_admin"}),
    "problem.report_fix": frozenset({"township_lead", "county_admin"}),
    "problem.recheck": frozenset({"inspector", "county_admin"}),
    "todo.read": frozenset({"inspector", "township_lead", "county_admin"}),
    # The forms as XLSForm workbooks (issue 22): every official may read and download them; a
    # county admin uploads, previews and publishes a new version.
    "forms.read": ALL_ROLES,
    "forms.manage": COUNTY_ADMIN,
    # Sites other than villages (issue 23; app/sites): the kinds are open to every official;
    # registers, inspections and the sampling plan follow the villages' scope; a county admin
    # keeps the registers and adjusts the plan.
    "site.kinds": ALL_ROLES,
    "site.read": frozenset({"inspector", "township_lead", "county_admin"}),
    "site.manage": COUNTY_ADMIN,
    "site_inspection.create": frozenset({"inspector", "county_admin"}),
    "site_inspection.read": frozenset({"inspector", "township_lead", "county_admin"}),
    "site_inspection.edit": frozenset({"inspector", "county_admin"}),
    "site_inspection.review": frozenset({"township_lead", "county_admin"}),
    "sampling.read": frozenset({"inspector", "township_lead", "county_admin"}),
    "sampling.manage": COUNTY_ADMIN,
}


# Actions on the whole deployment: a county-scoped admin manages their county's people,
# inspections and reviews, not these.
DEPLOYMENT_WIDE = frozenset(
    {
        "targets.manage",
        "coefficients.manage",
        "settings.manage",
        "audit.read",
        "rescue.import",
        "map.boundaries",
        "forms.manage",
    }
)
TOWNSHIP_ROLES = frozenset({"inspector", "township_lead"})


def allowed(role: str | None, action: str) -> bool:
    """The role table alone."""
    if action == "public":
        return True
    return role in POLICY[action]


def permitted(user, action: str) -> bool:
    """The role table, and for a deployment-wide action a deployment-wide scope."""
    if not allowed(user.role, action):
        return False
    return action not in DEPLOYMENT_WIDE or scope_of(user).level == "province"


class Scope(NamedTuple):
    level: str  # "province" | "county" | "township"
    # the county's or township's id; 0 for the province (its unit id in app/rollups/reports.py)
    id: int


PROVINCE_SCOPE = Scope("province", 0)


def scope_of(user) -> Scope:
    """The one scope function: a township role's township (the users table requires one), a
    county admin's or viewer's county, or without a county the whole deployment."""
    if user.role in TOWNSHIP_ROLES:
        return Scope("township", user.township_id)
    if user.county_id is not None:
        return Scope("county", user.county_id)
    return PROVINCE_SCOPE


def covers(scope: Scope, township_id: int | None, county_id: int | None) -> bool:
    """Whether the township (and everything in it) lies inside the scope."""
    if scope.level == "province":
        return True
    if scope.level == "county":
        return county_id is not None and county_id == scope.id
    return township_id is not None and township_id == scope.id


def in_scope(user, township) -> bool:
    """Whether a township (with its villages and their inspections) is the user's to see:
    deployment-wide roles see all, a county's admin or viewer its townships, township roles
    their own. `township` is a Township row (its id and county_id)."""
    return covers(scope_of(user), township.id, township.county_id)


def sees_county(user, county_id: int) -> bool:
    """Whether a county's own figures (its total, its trend, its page) are the user's to see:
    every county for a deployment-wide scope, one's own county, and a township role's county,
    the unit right above it (as the county total always was open to every official)."""
    scope = scope_of(user)
    if scope.level == "township":
        return user.township.county_id == county_id
    return scope.level == "province" or scope.id == county_id


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
                if not permitted(actor, action):
                    abort(403)
            return view(*args, **kwargs)

        guarded.policy_action = action
        return guarded

    return decorate
