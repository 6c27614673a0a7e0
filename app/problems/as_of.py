"""The ledger as it stood at a moment: per township, the problems not closed, the overdue ones and
those closed within a period, read back from the appended steps (problem_events), never from a
problem's current row.

A quarter's bulletin counts the state at the quarter's end in county time: a problem recorded in
2026Q4 is not in 2026Q3, and one still open at 2026-09-30 23:59 in Hunyuan but closed on 10-01
counts as open for Q3. Each step stores the status it led to and the deadline in force after it,
so "the state at T" is the last step taken before T. Overdue is the ledger's rule
(app/problems/ledger.py) judged on the quarter's last county day: a deadline of 09-30 is not yet
overdue in Q3, one of 09-29 is. For the unfinished quarter the moment is now and the day today.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func

from app.extensions import db
from app.models import Problem, ProblemEvent, Township, Village
from app.periods import parse_period
from app.problems import ledger
from app.problems.queries import scoped, utc_bounds


def as_of(period_code: str, now: datetime, zone: str) -> tuple[datetime, datetime, date]:
    """(the period's first instant, the moment its state is read at, the county day overdue is
    judged on): the period's end, or `now` while the period is not over. Steps taken before the
    moment count; the period's end is 00:00 of the next county day."""
    period = parse_period(period_code)
    start, end = utc_bounds(period.start, period.end, zone)
    now = now.astimezone(UTC)
    if now >= end:
        return start, end, period.end
    today = now.astimezone(ZoneInfo(zone)).date()
    # steps are read before the moment (exclusive), so a step taken this very instant counts
    moment = max(now + timedelta(microseconds=1), start)
    return start, moment, min(max(today, period.start), period.end)


def counts_at_period_end(actor, period_code: str, now: datetime, zone: str) -> dict:
    """{township code: {"name", "open", "overdue", "closed"}} for the townships of the actor's
    scope with a problem recorded before the moment (`as_of`): "open" is every problem not
    closed then (a fix reported too), "overdue" those of them past their deadline on the day,
    "closed" the problems closed between the period's start and the moment."""
    start, moment, day = as_of(period_code, now, zone)
    last_step = (
        db.select(ProblemEvent.problem_id, func.max(ProblemEvent.number).label("number"))
        .where(ProblemEvent.at < moment)
        .group_by(ProblemEvent.problem_id)
        .subquery()
    )
    state = ProblemEvent.__table__.alias("state")
    not_closed = state.c.status_to != ledger.CLOSED
    deadline = func.coalesce(state.c.deadline, Problem.deadline)
    closed_in = (state.c.status_to == ledger.CLOSED) & (state.c.at >= start)
    statement = (
        db.select(
            Township.code,
            Township.name,
            func.sum(case((not_closed, 1), else_=0)),
            func.sum(case((not_closed & (deadline < day), 1), else_=0)),
            func.sum(case((closed_in, 1), else_=0)),
        )
        .select_from(Problem)
        .join(last_step, last_step.c.problem_id == Problem.id)
        .join(
            state,
            and_(state.c.problem_id == Problem.id, state.c.number == last_step.c.number),
        )
        .join(Problem.village)
        .join(Village.township)
        .group_by(Township.code, Township.name)
        .order_by(Township.code)
    )
    rows = db.session.execute(scoped(statement, actor)).all()
    return {
        code: {"name": name, "open": int(o or 0), "overdue": int(d or 0), "closed": int(c or 0)}
        for code, name, o, d, c in rows
    }
