"""What the phone keeps so that every village of the inspector's township, and every inspection
returned to them, opens offline on the first day (issue 20), built from data:

- `/inspect/shell/<version>`: the form with no village in it, one per form version (the digests
  of the form's code and data files and of the stylesheet, the language and the person, whose
  name the queue stamps on entries). The service worker keeps the newest.
- `/inspect/offline-data`: the villages in the person's scope with their own name, township and
  register figures, and the inspections returned to them with their stored answers, revision and
  the reviewer's comment. Small (a township: about 2 KB compressed), fetched again (revalidated
  by its ETag) on every online visit, so a register change reaches the phone at its next visit.
- `/inspect/offline-missing`: what the phone shows, in the person's language, for a page it was
  never given (instead of a bare "offline").

Offline, static/sw.js puts one entry of the data into the shell (`#offline-target`) and
static/js/offline-shell.js fills the form from it before any other script runs.
"""

import hashlib

from flask import current_app, g, render_template, request, url_for
from marshmallow import Schema, fields

from app.accounts.policy import allow, permitted
from app.clock import county_today
from app.extensions import db
from app.formdefs.registry import current_forms
from app.i18n import current_lang
from app.inspections.offline_pack import returned_with_answers, villages_in_scope
from app.sites.phone import sites_by_village
from app.sites.todo import due_sites
from app.views.inspect.blueprint import bp
from app.views.inspect.edit_routes import form_values
from app.views.inspect.form_assets import form_code, form_data, shell_code
from app.views.site_shells import site_shell_urls


class VillageEntry(Schema):
    code = fields.String()
    name = fields.String()
    township = fields.Function(lambda v: v.township.name)
    register = fields.Function(lambda v: {"households": v.households})
    # For the far-fix warning offline (issue 20, finding 9); null where the village has none.
    location = fields.Function(lambda v: None if v.lat is None else [v.lat, v.lon])


class ReturnedEntry(Schema):
    id = fields.Function(lambda r: r.inspection.id)
    client_uuid = fields.Function(lambda r: str(r.inspection.client_uuid))
    village_code = fields.Function(lambda r: r.inspection.village.code)
    village_name = fields.Function(lambda r: r.inspection.village.name)
    location = fields.Function(
        lambda r: (
            None
            if r.inspection.village.lat is None
            else [r.inspection.village.lat, r.inspection.village.lon]
        )
    )
    township = fields.Function(lambda r: r.inspection.village.township.name)
    revision = fields.Integer()
    comment = fields.Function(lambda r: r.inspection.review_comment or "")
    values = fields.Function(lambda r: form_values(r.payload))
    stored_sections = fields.Function(lambda r: sorted((r.payload.get("sections") or {}).keys()))


def shell_version() -> str:
    """Changes with the form's code, rules, coefficients, stylesheet, language or person."""
    parts = (
        form_code()[0],
        shell_code()[0],
        form_data(current_lang())[0],
        url_for("static", filename="css/app.css"),
        current_lang(),
        str(g.actor.id),
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


@bp.app_template_global()
def offline_urls() -> dict[str, str] | None:
    """What the service worker keeps for offline forms, for the page's `<meta>`; None for a
    person who does not inspect."""
    if g.get("actor") is None or not permitted(g.actor, "inspection.create"):
        return None
    return {
        "shell": url_for("inspect.offline_shell", version=shell_version()),
        "data": url_for("inspect.offline_data"),
        "missing": url_for("inspect.offline_missing"),
        "code": url_for("inspect.code_file", digest=form_code()[0]),
        "shellCode": url_for("inspect.shell_code_file", digest=shell_code()[0]),
        "formData": url_for(
            "inspect.data_file", lang=current_lang(), digest=form_data(current_lang())[0]
        ),
    }


@bp.get("/shell/<version>")
@allow("inspection.create")
def offline_shell(version: str):
    html = render_template(
        "inspect/form.html",
        village=None,
        shell=True,
        values={},
        errors={},
        form_set=current_forms().form_set,
        conflict=None,
        editing=None,
        today=county_today().isoformat(),
        gps_limit_km=float(current_app.config["GPS_FLAG_DISTANCE_M"]) / 1000,
    )
    response = current_app.response_class(html, mimetype="text/html")
    # The person's own copy (it carries their name), kept by their service worker; an old
    # version asked for gets today's, not to be kept.
    current = version == shell_version()
    response.headers["Cache-Control"] = "private, max-age=86400" if current else "no-cache"
    return response


class SiteEntry(Schema):
    """A site in scope (issue 23): what its offline form shows, and the day its month's sample is
    due (null when it is not drawn this month or already sampled)."""

    code = fields.String()
    name = fields.String()
    kind = fields.String()
    village_code = fields.String()
    village = fields.String()
    township = fields.String()
    due_on = fields.Date(allow_none=True)


def _site_entries(villages) -> list[dict]:
    if not permitted(g.actor, "site_inspection.create"):
        return []
    today = county_today()
    due_sites(g.actor, today)  # the month's draw, made now if nobody has asked yet (kept by
    # the view's commit once the body is built: committing here expired the villages and the
    # actor, read again one statement per village)
    by_id = {v.id: v for v in villages}
    entries = []
    for village_id, sites in sites_by_village(list(by_id), today).items():
        village = by_id[village_id]
        for site in sites:
            entries.append(
                {
                    "code": site.code,
                    "name": site.name,
                    "kind": site.kind,
                    "village_code": village.code,
                    "village": village.name,
                    "township": village.township.name,
                    "due_on": site.due_on,
                }
            )
    return SiteEntry(many=True).dump(sorted(entries, key=lambda e: e["code"]))


@bp.get("/offline-data")
@allow("inspection.create")
def offline_data():
    villages = villages_in_scope()
    body = {
        "villages": VillageEntry(many=True).dump(villages),
        "returned": ReturnedEntry(many=True).dump(returned_with_answers(g.actor.id)),
        # Every open site in scope and the site forms' shells (issue 23: sites open offline).
        "sites": _site_entries(villages),
        "site_shells": site_shell_urls() if permitted(g.actor, "site_inspection.create") else {},
    }
    db.session.commit()  # keeps a draw _site_entries made
    response = current_app.json.response(body)
    response.headers["Cache-Control"] = "private, no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/offline-missing")
@allow("public")
def offline_missing():
    return render_template("inspect/offline_missing.html")
