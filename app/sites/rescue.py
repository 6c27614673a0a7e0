"""The rescue file's site entries (a phone's unsent site inspections, `kind: "site"`; the file
and its village entries: app/inspections/rescue.py). Each is stored through exactly the path of
POST /api/v1/site-inspections: the same checks (app/sites/intake.py) and `record_visit`, stored
once by its client_uuid (a file imported twice, or an entry that reached the server already,
adds nothing); a refused entry is reported with its reason and the others are still stored.

app/inspections lies below app/sites, so the import is handed this module's `SITE_HANDLERS` by
its callers (the CLI and the admin's upload) rather than importing it.
"""

from marshmallow import EXCLUDE, Schema, ValidationError, fields

from app.accounts.policy import allowed
from app.clock import county_today
from app.models import User
from app.sites.intake import DateOutOfRange, checked_visit
from app.sites.registry import SiteRefused
from app.sites.visits import VisitConflict, record_visit
from app.validation_messages import flatten

REFUSALS = {
    "not_yours": "site {code} does not exist or is not in the user's township",
    "closed": "site {code} is closed",
}


class SitePayloadSchema(Schema):
    """The body the phone would have POSTed (the API's own input, read here without the web
    layer: its fields and types are the same)."""

    class Meta:
        unknown = EXCLUDE

    client_uuid = fields.UUID(load_default=None)
    site_code = fields.String(required=True)
    inspected_on = fields.Date(required=True)
    answers = fields.Dict(required=True)


def import_site_entry(entry: dict, actor: User, report) -> None:
    """Store one site entry for `actor`, noting it in `report` (app/inspections/rescue.py
    RescueReport): stored, already there, or refused with the reason."""
    uuid = str(entry["client_uuid"])
    if not allowed(actor.role, "site_inspection.create"):
        report.problems.append((uuid, f"a {actor.role} may not record site inspections"))
        return
    try:
        body = SitePayloadSchema().load(entry["payload"])
        body["client_uuid"] = entry["client_uuid"]  # the entry's, as the phone sends it
        visit, created = record_visit(
            checked_visit(body, actor, county_today(), "en"), actor, county_today()
        )
    except ValidationError as exc:
        report.problems.append((uuid, f"invalid: {flatten(exc.messages)}"))
        return
    except SiteRefused as refused:
        report.problems.append(
            (uuid, REFUSALS.get(refused.key, refused.key).format(**refused.values))
        )
        return
    except DateOutOfRange as late:
        report.problems.append((uuid, f"invalid: {late}"))
        return
    except VisitConflict:
        report.problems.append((uuid, "already stored with other answers (conflict)"))
        return
    (report.sites_created if created else report.sites_already).append(visit.client_uuid)


SITE_HANDLERS = {"site": import_site_entry}
