"""Reading the audit log back: one page of events matching a filter, newest first. The log is
written by app/accounts/audit.py and never changed."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from app.extensions import db
from app.models import AuditEvent

# The filter's exact-match keys and the columns they compare.
EXACT_FILTERS = (
    ("action", AuditEvent.action),
    ("actor", AuditEvent.actor_name),
    ("object_type", AuditEvent.object_type),
    ("object_id", AuditEvent.object_id),
)


def audit_page(query: dict, page: int, page_size: int) -> tuple[list[AuditEvent], bool]:
    """Page `page` (from 1) of the events matching `query` (action, actor, object_type,
    object_id; since and until as the county's days, both included), and whether more follow."""
    statement = db.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    for name, column in EXACT_FILTERS:
        if name in query:
            statement = statement.where(column == query[name])
    if "since" in query:
        statement = statement.where(AuditEvent.at >= _day_start(query["since"]))
    if "until" in query:
        statement = statement.where(AuditEvent.at < _day_start(query["until"] + timedelta(days=1)))
    rows = (
        db.session.execute(statement.offset((page - 1) * page_size).limit(page_size + 1))
        .scalars()
        .all()
    )
    return rows[:page_size], len(rows) > page_size


def _day_start(day: date) -> datetime:
    """The county's midnight opening `day` (the page shows the county's times), in UTC."""
    zone = ZoneInfo(current_app.config["COUNTY_TIMEZONE"])
    return datetime.combine(day, time(), zone).astimezone(UTC)
