"""The ledger's state machine and its overdue rule, pure (no Flask, no database), like
app/inspections/review.py:

    open ──report_fix (township: note, photos)──▶ fix_reported
     ▲                                               │
     └──recheck failed (inspector on site, new deadline)┤
                                                     └──recheck passed──▶ closed (销号)

A deadline D is the county's date: the problem is overdue from 00:00 of D+1 in Hunyuan, judged by
the county's today (app/clock.py), never by the server's UTC date. A closed problem is never
overdue. Nothing is deleted: every step is an appended event.
"""

from datetime import date, timedelta

OPEN, FIX_REPORTED, CLOSED = "open", "fix_reported", "closed"
# action → (the status it starts from, the status it leads to, the event kind it records)
STEPS: dict[str, tuple[str, str, str]] = {
    "report_fix": (OPEN, FIX_REPORTED, "fix_reported"),
    "recheck_pass": (FIX_REPORTED, CLOSED, "recheck_passed"),
    "recheck_fail": (FIX_REPORTED, OPEN, "recheck_failed"),
}
NOTE_MAX = 2000


class StepRefused(Exception):
    """The problem's status does not allow this step (answered as 409)."""

    def __init__(self, action: str, status: str):
        super().__init__(f"cannot {action} a problem that is {status}")
        self.action, self.status = action, status


class SameHands(Exception):
    """The person who reported the fix judging it on re-check (answered as 403): a fix is
    confirmed by someone else (separation of duties; the re-test closed one alone)."""


def check_other_hands(action: str, reporter_id: int | None, actor_id: int) -> None:
    if action.startswith("recheck") and reporter_id is not None and reporter_id == actor_id:
        raise SameHands(action)


class BadDeadline(ValueError):
    """A new deadline must be a county date not before today."""


def step(action: str, status: str) -> tuple[str, str]:
    """(new status, event kind) for `action` taken on a problem that is `status`."""
    start, target, kind = STEPS[action]
    if status != start:
        raise StepRefused(action, status)
    return target, kind


def default_deadline(found_on: date, days: int) -> date:
    return found_on + timedelta(days=days)


def check_deadline(deadline: date, today: date, longest_days: int) -> date:
    """From today to `longest_days` ahead (forms/ledger/problem_categories.json)."""
    if deadline < today or deadline > today + timedelta(days=longest_days):
        raise BadDeadline(deadline.isoformat())
    return deadline


def is_overdue(status: str, deadline: date, today: date) -> bool:
    """Overdue from the first county day after the deadline, while not closed."""
    return status != CLOSED and today > deadline
