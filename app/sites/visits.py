"""Site inspections (visits): stored once per client uuid, corrected with a base revision,
reviewed by the township lead with the village inspections' rules and lock.

- A retry with the same uuid and content returns the stored visit; other content under the same
  uuid is a conflict (409).
- A visit to a closed site, or to a site outside the inspector's township, is refused with the
  reason (SiteRefused), before anything is stored.
- An edit names the revision it was made on (`base_revision`); if another edit came first the
  edit is refused (StaleBase, 409) rather than silently overwriting it.
- Review uses app/inspections/review.py (approve / return / reopen; nobody reviews their own)
  under the row's lock, as app/inspections/changes.py lock_current does for villages.
- An answer the kind names under `failures` (a coal sample that failed, a station found stopped)
  opens a problem in the ledger for the site, once per visit and category.
Callers commit.
"""

import uuid
from datetime import date

from app.accounts.audit import record
from app.clock import utc_now
from app.extensions import db
from app.inspections.review import check_not_own, next_status, status_after_edit
from app.inspections.store import canonical, content_hash
from app.models import Site, SiteInspection, SiteInspectionRevision, User
from app.problems import service as problems
from app.sites.kinds import SiteKind, site_kinds
from app.sites.registry import SiteRefused, find_site

PROBLEM_NAMESPACE = uuid.UUID("6f1c1d0e-23a1-4c4e-9d55-5173697465ab")
DESCRIPTIONS = {
    "coal_substandard": "散煤煤质抽检不合格（{code} {name}，{on}）",
    "station_stopped": "污水处理站检查时未正常运行（{code} {name}，{on}）",
    "farm_facilities_missing": "规模养殖场粪污处理设施不配套或未运行（{code} {name}，{on}）",
}


class VisitConflict(Exception):
    """The client uuid was used for other content."""


class StaleBase(Exception):
    def __init__(self, current: int):
        super().__init__(current)
        self.current = current


class NotYours(Exception):
    """In scope, but not this person's visit to change (403)."""


def find_visit(actor: User, visit_id: int) -> SiteInspection | None:
    visit = db.session.get(SiteInspection, visit_id)
    if visit is None or find_site(actor, visit.site.code) is None:
        return None
    return visit


def _payload(data: dict) -> dict:
    return canonical(
        {
            "client_uuid": str(data["client_uuid"]),
            "site_code": data["site_code"],
            "inspected_on": data["inspected_on"],
            "answers": data["answers"],
        }
    )


def _open_site(actor: User, code: str) -> Site:
    site = find_site(actor, code)
    if site is None:
        raise SiteRefused("not_yours", code=code)
    if site.status != "open":
        raise SiteRefused("closed", code=code)
    return site


def record_visit(data: dict, actor: User, today: date) -> tuple[SiteInspection, bool]:
    """(visit, created). `data["answers"]` is already checked against the kind's form."""
    payload = _payload(data)
    digest = content_hash(payload)
    existing = db.session.execute(
        db.select(SiteInspection).where(SiteInspection.client_uuid == str(data["client_uuid"]))
    ).scalar_one_or_none()
    if existing is not None:
        if find_site(actor, existing.site.code) is None or existing.content_hash != digest:
            raise VisitConflict(str(data["client_uuid"]))
        return existing, False
    site = _open_site(actor, data["site_code"])
    kind = site_kinds()[site.kind]
    now = utc_now()
    visit = SiteInspection(
        client_uuid=str(data["client_uuid"]),
        site_id=site.id,
        inspector_id=actor.id,
        inspected_on=data["inspected_on"],
        answers=payload["answers"],
        form_version=kind.form.version,
        content_hash=digest,
        status="submitted",
        is_demo=bool(data.get("is_demo", False)),
        created_at=now,
        updated_at=now,
    )
    db.session.add(visit)
    visit.revisions.append(
        SiteInspectionRevision(number=1, payload=payload, author_id=actor.id, created_at=now)
    )
    db.session.flush()
    record("site_inspection.record", visit, actor=actor, site=site.code)
    open_problems(visit, kind, actor, today)
    return visit, True


def edit_visit(visit: SiteInspection, data: dict, base: int, actor: User, today: date) -> bool:
    """Make `data` the visit's content, if `base` is still its current revision."""
    if actor.role != "county_admin" and visit.inspector_id != actor.id:
        raise NotYours()
    db.session.refresh(visit, with_for_update=True)
    current = len(visit.revisions)
    if base != current:
        raise StaleBase(current)
    if str(data["client_uuid"]) != str(visit.client_uuid) or data["site_code"] != visit.site.code:
        raise VisitConflict(str(data["client_uuid"]))
    new_status = status_after_edit(visit.status)
    payload = _payload(data)
    digest = content_hash(payload)
    if digest == visit.content_hash:
        return False
    if visit.site.status != "open":
        raise SiteRefused("closed", code=visit.site.code)
    now = utc_now()
    visit.answers, visit.inspected_on = payload["answers"], data["inspected_on"]
    visit.content_hash, visit.status, visit.updated_at = digest, new_status, now
    visit.revisions.append(
        SiteInspectionRevision(
            number=current + 1, payload=payload, author_id=actor.id, created_at=now
        )
    )
    record("site_inspection.edit", visit, actor=actor, revision=current + 1, status=new_status)
    open_problems(visit, site_kinds()[visit.site.kind], actor, today)
    return True


def review_visit(visit: SiteInspection, action: str, actor: User, comment: str, seen: int | None):
    # Whoever stored a version of its answers is one of its authors (issue 20, finding 5).
    authors = {revision.author_id for revision in visit.revisions}
    check_not_own(action, visit.inspector_id, authors, actor.id)
    db.session.refresh(visit, with_for_update=True)
    if seen is not None and seen != len(visit.revisions):
        raise StaleBase(len(visit.revisions))
    before = visit.status
    visit.status = next_status(action, before)
    visit.reviewed_by_id, visit.reviewed_at = actor.id, utc_now()
    visit.review_comment = comment or None
    record(
        f"site_inspection.{action}", visit, actor=actor, status_from=before, status_to=visit.status
    )


def failed_categories(kind: SiteKind, answers: dict) -> list[str]:
    out = []
    for failure in kind.failures:
        if answers.get(failure.field) == failure.equals and failure.category not in out:
            out.append(failure.category)
    return out


def open_problems(visit: SiteInspection, kind: SiteKind, actor: User, today: date) -> list:
    """A problem per failed category of this visit, recorded once (a uuid derived from the
    visit's and the category's, so a retry or an edit that fails again adds nothing)."""
    site = visit.site
    opened = []
    for category in failed_categories(kind, visit.answers):
        key = uuid.uuid5(PROBLEM_NAMESPACE, f"{visit.client_uuid}:{category}")
        template = DESCRIPTIONS.get(category, "{code} {name}（{on}）")
        data = {
            "client_uuid": str(key),
            "village_code": site.village.code,
            "category": category,
            "description": template.format(
                code=site.code, name=site.name, on=visit.inspected_on.isoformat()
            ),
            "responsible": "township",
        }
        try:
            recorded = problems.record_problem(data, actor, today)
        except problems.ProblemConflict:
            continue  # this visit's problem of this category is already open (an edit's date)
        recorded.problem.site_id = site.id
        opened.append(recorded.problem)
    return opened
