"""Storing problems and the steps taken on them, each step an appended ProblemEvent and an audit
event (problem.record / problem.report_fix / problem.recheck_pass / problem.recheck_fail).

Who may act on which problem (the object half; `@allow` on the route is the role half): everyone
only inside their scope (app/accounts/policy.py `in_scope`); `find_problem` answers None for what is
not the caller's to know, so views answer 404 for missing and out-of-scope alike. A problem sent
again with the same client uuid (the phone's offline queue retries) is stored once; the same uuid
with other content is a conflict. Callers commit.
"""

from dataclasses import dataclass
from datetime import UTC, date

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.audit import record
from app.accounts.policy import in_scope
from app.clock import county_now
from app.extensions import db
from app.inspections.store import canonical, content_hash
from app.models import Inspection, Problem, ProblemEvent, User, Village
from app.problems import ledger
from app.problems.categories import categories, longest_deadline_days


class ProblemConflict(Exception):
    """The client uuid was already used for another problem."""


class NotVisible(Exception):
    """The client uuid is a problem outside the caller's scope: answered as GET answers it, 404,
    whatever the body, so neither its content nor its existence leaks."""


class VillageUnknown(Exception):
    """No such village in the caller's scope."""


class EventImmutable(Exception):
    pass


@dataclass(frozen=True)
class Recorded:
    problem: Problem
    created: bool


def _refuse_event_rewrites(session, _flush_context, _instances):
    """The ledger's steps are appended, never changed or deleted (as the audit log's)."""
    for row in list(session.dirty) + list(session.deleted):
        if isinstance(row, ProblemEvent):
            raise EventImmutable("problem events are never changed or deleted")


if not event.contains(Session, "before_flush", _refuse_event_rewrites):
    event.listen(Session, "before_flush", _refuse_event_rewrites)


def _now():
    """The county clock (tests set it), as UTC: a step's time decides "closed this period"."""
    return county_now().astimezone(UTC)


def find_problem(actor: User, problem_id: int) -> Problem | None:
    problem = db.session.get(Problem, problem_id)
    if problem is None or not in_scope(actor, problem.village.township):
        return None
    return problem


def find_problem_by_uuid(actor: User, client_uuid: str) -> Problem | None:
    problem = db.session.execute(
        db.select(Problem).where(Problem.client_uuid == client_uuid)
    ).scalar_one_or_none()
    if problem is None or not in_scope(actor, problem.village.township):
        return None
    return problem


def record_problem(data: dict, actor: User, today: date) -> Recorded:
    """Store a problem validated by the problem schema, once per client uuid."""
    digest = content_hash(canonical(data))
    existing = db.session.execute(
        db.select(Problem).where(Problem.client_uuid == str(data["client_uuid"]))
    ).scalar_one_or_none()
    if existing is not None:
        return _replay(existing, digest, actor)
    village = db.session.execute(
        db.select(Village).where(Village.code == data["village_code"])
    ).scalar_one_or_none()
    if village is None or not in_scope(actor, village.township):
        raise VillageUnknown(data["village_code"])
    inspection_id = _inspection_of(data.get("inspection_id"), village)
    category = categories()[data["category"]]
    deadline = data.get("deadline") or ledger.default_deadline(today, category.deadline_days)
    ledger.check_deadline(deadline, today, longest_deadline_days())
    now = _now()
    problem = Problem(
        client_uuid=str(data["client_uuid"]),
        village_id=village.id,
        inspection_id=inspection_id,
        category=category.code,
        description=data["description"],
        responsible=data.get("responsible") or "village",
        deadline=deadline,
        status=ledger.OPEN,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
        content_hash=digest,
    )
    db.session.add(problem)
    _append(problem, "recorded", None, ledger.OPEN, data["description"], actor, now)
    try:
        db.session.flush()
    except IntegrityError:  # the same uuid stored by a concurrent request
        db.session.rollback()
        existing = db.session.execute(
            db.select(Problem).where(Problem.client_uuid == str(data["client_uuid"]))
        ).scalar_one()
        return _replay(existing, digest, actor)
    record(
        "problem.record",
        problem,
        village=village.code,
        category=category.code,
        deadline=deadline.isoformat(),
        responsible=problem.responsible,
    )
    return Recorded(problem, created=True)


def _replay(existing: Problem, digest: str, actor: User) -> Recorded:
    if not in_scope(actor, existing.village.township):
        raise NotVisible(str(existing.client_uuid))
    if existing.content_hash != digest:
        raise ProblemConflict(str(existing.client_uuid))
    return Recorded(existing, created=False)


def _inspection_of(inspection_id: int | None, village: Village) -> int | None:
    if inspection_id is None:
        return None
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None or inspection.village_id != village.id:
        raise VillageUnknown(village.code)  # not an inspection of this village
    return inspection.id


def report_fix(problem: Problem, actor: User, note: str) -> ProblemEvent:
    """The township says it is fixed (the note says how; photos follow with stage "fix")."""
    return _take("report_fix", problem, actor, note)


def recheck(
    problem: Problem, actor: User, passed: bool, note: str, new_deadline: date | None, today: date
) -> ProblemEvent:
    """An inspector's re-check on site: passed closes the problem (销号); failed opens it again
    with a new deadline, which must be given and not in the past."""
    if passed:
        return _take("recheck_pass", problem, actor, note)
    if new_deadline is None:
        raise ledger.BadDeadline("missing")
    ledger.check_deadline(new_deadline, today, longest_deadline_days())
    return _take("recheck_fail", problem, actor, note, new_deadline)


def _take(action: str, problem: Problem, actor: User, note: str, deadline=None) -> ProblemEvent:
    # The row's lock first, then its status read again: two steps sent together (a fix report
    # and a re-check, two re-checks) are judged one after the other, never both on "open".
    db.session.refresh(problem, with_for_update=True)
    reports = [e for e in problem.events if e.kind == "fix_reported"]
    ledger.check_other_hands(action, reports[-1].actor_id if reports else None, actor.id)
    before = problem.status
    after, kind = ledger.step(action, before)
    now = _now()
    problem.status, problem.updated_at = after, now
    if deadline is not None:
        problem.deadline = deadline
    if after == ledger.CLOSED:
        problem.closed_at = now
    row = _append(problem, kind, before, after, note, actor, now)
    record(
        f"problem.{action}",
        problem,
        status_from=before,
        status_to=after,
        note=note or None,
        deadline=problem.deadline.isoformat(),
    )
    return row


def _append(problem, kind, before, after, note, actor, now) -> ProblemEvent:
    number = len(problem.events) + 1
    row = ProblemEvent(
        number=number,
        kind=kind,
        status_from=before,
        status_to=after,
        note=note or "",
        deadline=problem.deadline,
        actor_id=actor.id,
        at=now,
    )
    problem.events.append(row)
    return row
