"""Sites, visits and the month's sampling plan as plain dicts, for the API's schemas and the
pages alike."""

import uuid

from app.accounts.policy import scope_of
from app.extensions import db
from app.models import Problem, Site, SiteInspection, Township, User
from app.sites import plan
from app.sites.kinds import SiteKind, site_kinds
from app.sites.visits import PROBLEM_NAMESPACE


def site_document(site: Site) -> dict:
    return {
        "code": site.code,
        "kind": site.kind,
        "name": site.name,
        "village_code": site.village.code,
        "village": site.village.name,
        "township_code": site.village.township.code,
        "township": site.village.township.name,
        "lat": site.lat,
        "lon": site.lon,
        "attributes": dict(site.attributes or {}),
        "status": site.status,
        "closed_on": site.closed_on,
        "closed_reason": site.closed_reason,
    }


def visit_document(visit: SiteInspection) -> dict:
    problems = db.session.execute(
        db.select(Problem.id).where(
            Problem.site_id == visit.site_id, Problem.client_uuid.in_(_problem_uuids(visit))
        )
    ).scalars()
    return {
        "id": visit.id,
        "client_uuid": str(visit.client_uuid),
        "site_code": visit.site.code,
        "kind": visit.site.kind,
        "inspected_on": visit.inspected_on,
        "answers": dict(visit.answers),
        "status": visit.status,
        "revision": len(visit.revisions),
        "inspector": visit.inspector.username,
        "review_comment": visit.review_comment,
        "problems": sorted(problems),
        "created_at": visit.created_at,
        "updated_at": visit.updated_at,
    }


def _problem_uuids(visit: SiteInspection) -> list[str]:
    kind = site_kinds()[visit.site.kind]
    return [
        str(uuid.uuid5(PROBLEM_NAMESPACE, f"{visit.client_uuid}:{f.category}"))
        for f in kind.failures
    ]


def townships_in_scope(actor: User, code: str | None = None) -> list[Township]:
    scope = scope_of(actor)
    statement = db.select(Township).order_by(Township.code)
    if scope.level == "township":
        statement = statement.where(Township.id == scope.id)
    elif scope.level == "county":
        statement = statement.where(Township.county_id == scope.id)
    if code:
        statement = statement.where(Township.code == code)
    return list(db.session.execute(statement).scalars())


def plan_document(kind: SiteKind, month: str, townships: list[Township]) -> dict:
    """The month's drawn sites of each township (drawing any not yet drawn), whether each has
    been sampled this month, and how many the rule requires."""
    sites, needed = [], 0
    for township, rows, required, sampled in plan.month_plans(kind, month, townships):
        needed += required
        for row in rows:
            sites.append(
                {
                    "code": row.site.code,
                    "name": row.site.name,
                    "township_code": township.code,
                    "due_on": row.due_on,
                    "source": row.source,
                    "sampled": row.site_id in sampled,
                }
            )
    return {"kind": kind.key, "month": month, "required": needed, "sites": sites}
