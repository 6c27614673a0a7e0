"""Throttled sign-ins in the audit log, aggregated.

An attacker hammering the sign-in (300 requests in a second) used to add one `auth.throttled`
event per refusal, burying everything else in the log. Refusals are now counted in
`login_refusals`, one row per (account, address, minute) — for refusals of a throttled address,
one row per (address, minute) whatever names were tried — and the log gets one `auth.throttled`
event at the first refusal of each key in that minute, so an admin sees the attack at once, and
once the minute is over one `auth.throttled_total` event with how many were refused (when more
than one was). Audit events are never changed, so the count cannot be added to the first one;
the totals are written by whichever later request checks the throttle.
"""

from datetime import timedelta

from sqlalchemy.dialects import postgresql, sqlite

from app.accounts.audit import record
from app.clock import utc_now
from app.extensions import db
from app.models import LoginRefusal

WINDOW = timedelta(minutes=1)
# Refused for the address (any account tried from it): one key for the address, so an attacker
# spraying a new username each time still adds one event a minute, not one per name.
ANY_ACCOUNT = "*"


def note_refusal(username: str, ip: str, via: str) -> None:
    """Count one refusal; the first of its minute goes in the log. The caller commits."""
    start = utc_now().replace(second=0, microsecond=0)
    key = {"username": username, "ip": ip, "window_start": start}
    insert = (postgresql if db.engine.dialect.name == "postgresql" else sqlite).insert
    statement = insert(LoginRefusal).values(**key, refused=1)
    statement = statement.on_conflict_do_update(
        index_elements=["username", "ip", "window_start"],
        set_={"refused": LoginRefusal.refused + 1},
    ).returning(LoginRefusal.refused)
    refused = db.session.execute(statement).scalar_one()
    if refused == 1:
        record("auth.throttled", actor_name=username, via=via)
    _close_past_windows(start)


def _close_past_windows(current_start) -> None:
    """Write the totals of the minutes that are over, and drop their counters."""
    past = db.session.execute(
        db.select(LoginRefusal).where(LoginRefusal.window_start < current_start).limit(100)
    ).scalars()
    for row in past.all():
        if row.refused > 1:
            record(
                "auth.throttled_total",
                actor_name=row.username,
                refused=row.refused,
                window_start=row.window_start.isoformat(),
                address=row.ip,
            )
        db.session.delete(row)


def close_past_windows() -> None:
    _close_past_windows(utc_now().replace(second=0, microsecond=0))
