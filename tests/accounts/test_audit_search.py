"""Reading the audit log back (app/accounts/audit_search.py): the day bounds include both days
named, the county's days (Asia/Shanghai, UTC+8: its 1 April opens at 31 March 16:00 UTC), and a
page says whether more events follow."""

from datetime import UTC, date, datetime

from app.accounts.audit_search import audit_page
from app.extensions import db
from app.models import AuditEvent


def add_event(at: datetime, action: str = "export", actor: str = "wang") -> None:
    db.session.add(AuditEvent(at=at, action=action, actor_name=actor, details={}))


def test_since_and_until_take_whole_days_and_pages_say_what_follows(app):
    with app.app_context():
        add_event(datetime(2026, 3, 31, 15, 59, 59, tzinfo=UTC))  # the county's 31 Mar 23:59:59
        add_event(datetime(2026, 3, 31, 16, 0, 0, tzinfo=UTC))  # the county's 1 Apr 00:00
        add_event(datetime(2026, 4, 2, 12, 0, 0, tzinfo=UTC), actor="li")
        add_event(datetime(2026, 4, 3, 15, 59, 59, tzinfo=UTC))  # the county's 3 Apr 23:59:59
        add_event(datetime(2026, 4, 3, 16, 0, 0, tzinfo=UTC))  # the county's 4 Apr 00:00
        add_event(datetime(2026, 4, 2, 13, 0, 0, tzinfo=UTC), action="auth.login")
        db.session.commit()

        days = {"since": date(2026, 4, 1), "until": date(2026, 4, 3), "action": "export"}
        events, more = audit_page(days, page=1, page_size=10)
        # Newest first (UTC): 3 Apr 15:59:59, 2 Apr 12:00 (li), 31 Mar 16:00; not the county's
        # 31 Mar nor 4 Apr, nor the login of 2 Apr.
        assert [(e.at.day, e.at.hour, e.actor_name) for e in events] == [
            (3, 15, "wang"),
            (2, 12, "li"),
            (31, 16, "wang"),
        ]
        assert more is False

        first, more_after_first = audit_page(days, page=1, page_size=2)
        second, more_after_second = audit_page(days, page=2, page_size=2)
        assert [(e.at.day, more_after_first) for e in first] == [(3, True), (2, True)]
        assert [(e.at.day, more_after_second) for e in second] == [(31, False)]

        only_li, _more = audit_page({"actor": "li"}, page=1, page_size=10)
        assert [(e.at.day, e.at.hour) for e in only_li] == [(2, 12)]
