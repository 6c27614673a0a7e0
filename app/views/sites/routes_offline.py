"""The site form with no site in it (issue 23), one per kind and version, kept by the service
worker so that every site in the inspector's scope opens offline (app/views/site_shells.py)."""

from flask import abort, current_app, render_template

from app.accounts.policy import allow
from app.clock import county_today
from app.i18n import current_lang
from app.sites.kinds import kind_or_none
from app.views.site_shells import site_shell_version
from app.views.sites.blueprint import bp


@bp.get("/site/shell/<kind_key>/<version>")
@allow("site_inspection.create")
def offline_site_shell(kind_key: str, version: str):
    kind = kind_or_none(kind_key)
    if kind is None:
        abort(404)
    html = render_template(
        "sites/inspect.html",
        site=None,
        kind=kind,
        errors={},
        values={},
        client_uuid="",
        today=county_today(),
        lang=current_lang(),
    )
    response = current_app.response_class(html, mimetype="text/html")
    # The person's own copy; an old version asked for gets today's, not to be kept.
    current = version == site_shell_version(kind.key)
    response.headers["Cache-Control"] = "private, max-age=86400" if current else "no-cache"
    return response
