"""A site inspection as it comes in, checked the one way whatever the door: the phone's
POST /api/v1/site-inspections (app/views/api/routes_sites.py) and the rescue file's site entries
(app/sites/rescue.py). The site must be the actor's (refused otherwise, with the reason), the date
from 2020-01-01 to the county's today, and the answers those of the kind's form."""

from datetime import date

from app.models import User
from app.sites.answers import check_answers
from app.sites.kinds import site_kinds
from app.sites.registry import SiteRefused, find_site

EARLIEST = date(2020, 1, 1)


class DateOutOfRange(ValueError):
    """The inspection's date is before 2020-01-01 or after the county's today."""

    def __init__(self, today: date):
        super().__init__(f"the inspection date must be from {EARLIEST} to today ({today})")
        self.today = today


def checked_visit(body: dict, actor: User, today: date, lang: str) -> dict:
    """`body` (client_uuid, site_code, inspected_on as a date, answers) with its answers as
    stored; SiteRefused, DateOutOfRange or ValidationError (keyed `answers.<field>`) if not."""
    site = find_site(actor, body["site_code"])
    if site is None:
        raise SiteRefused("not_yours", code=body["site_code"])
    if not EARLIEST <= body["inspected_on"] <= today:
        raise DateOutOfRange(today)
    return {**body, "answers": check_answers(site_kinds()[site.kind], body["answers"], lang)}
