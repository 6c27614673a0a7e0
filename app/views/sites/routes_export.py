"""A register as CSV or XLSX (formula-safe, app/exports): the columns the import reads first
(code, name, village_code, lat, lon and the kind's own, by key, so the file can be edited and
imported again), then the township, the village, the status and the last inspection."""

from flask import Response, abort, g
from flask_babel import gettext as _

from app.accounts.policy import allow
from app.clock import county_today
from app.exports import tables as exports
from app.extensions import db
from app.i18n import current_lang
from app.models import SiteInspection
from app.sites import registry
from app.sites.kinds import kind_or_none
from app.views.sites.blueprint import bp

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.get("/sites/<kind_key>/export.<any(csv, xlsx):fmt>")
@allow("site.read")
def export_register(kind_key: str, fmt: str):
    kind = kind_or_none(kind_key)
    if kind is None:
        abort(404)
    lang = current_lang()
    sites = db.session.execute(registry.sites_query(g.actor, kind.key)).scalars().all()
    last = dict(
        db.session.execute(
            db.select(SiteInspection.site_id, db.func.max(SiteInspection.inspected_on))
            .where(SiteInspection.site_id.in_([s.id for s in sites] or [0]))
            .group_by(SiteInspection.site_id)
        ).all()
    )
    header = ["code", "name", "village_code", "lat", "lon", *(c.name for c in kind.register)]
    header += [_("Township"), _("Village"), _("Status"), _("Closed on"), _("Last inspected")]
    rows = [
        [
            s.code,
            s.name,
            s.village.code,
            s.lat,
            s.lon,
            *(_cell((s.attributes or {}).get(c.name)) for c in kind.register),
            s.village.township.name,
            s.village.name,
            _(s.status),
            s.closed_on.isoformat() if s.closed_on else "",
            last[s.id].isoformat() if s.id in last else "",
        ]
        for s in sites
    ]
    chunks = (
        exports.iter_csv(header, rows)
        if fmt == "csv"
        else exports.iter_xlsx(header, rows, kind.label[lang])
    )
    name = f"{kind.key}-{county_today().isoformat()}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(chunks, mimetype=EXPORT_TYPES[fmt], headers=headers)


def _cell(value):
    """As the import reads it back: booleans as yes/no, choices by their key."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "" if value is None else value
