"""/admin/data-quality: how many inspections carry each flag, per quarter, township and inspector
(open / all), within the viewer's scope (a township lead: their township; a county admin: the
county), and the flags as CSV or XLSX, one row per flag with its kind and whether a lead cleared
it. The list of flags with their villages is /inspect/flags; each flag's evidence is on its
inspection's review page."""

import re

from flask import Response, abort, render_template, request, stream_with_context
from flask_babel import gettext as _

from app.accounts.audit_apart import record_apart
from app.accounts.policy import allow
from app.exports import tables as exports
from app.inspections.integrity.counts import flag_counts, flag_rows
from app.models import FLAG_KINDS
from app.views.admin.blueprint import bp
from app.views.labels import flag_label

QUARTER = re.compile(r"^[0-9]{4}Q[1-4]$")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _quarter() -> str | None:
    quarter = request.args.get("quarter") or None
    if quarter is not None and not QUARTER.match(quarter):
        abort(400)
    return quarter


@bp.get("/admin/data-quality")
@allow("flags.read")
def data_quality():
    quarter = _quarter()
    return render_template(
        "admin/data_quality.html",
        counts=flag_counts(quarter),
        quarter=quarter,
        flag_kinds=FLAG_KINDS,
        flag_label=flag_label,
    )


@bp.get("/admin/data-quality/flags.<any(csv, xlsx):fmt>")
@allow("flags.read")
def data_quality_export(fmt: str):
    quarter = _quarter()
    header = [
        _("Quarter"),
        _("Township"),
        _("Village code"),
        _("Village"),
        _("Date inspected"),
        _("Inspector"),
        _("Kind of flag"),
        _("Flag code"),
        _("Cleared"),
        _("Reason"),
    ]
    rows = [
        [
            inspection.quarter,
            township,
            village.code,
            village.name,
            inspection.inspected_on.isoformat(),
            inspector,
            flag_label(flag.kind),
            flag.kind,
            _("yes") if flag.cleared_at else _("no"),
            flag.clear_reason or "",
        ]
        for flag, inspection, village, township, inspector in flag_rows(quarter)
    ]
    record_apart("export", ("export", "flags"), format=fmt, period=quarter, scope=None)
    chunks = (
        exports.iter_csv(header, rows)
        if fmt == "csv"
        else exports.iter_xlsx(header, rows, _("Flags"))
    )
    name = f"cunjian-flags-{quarter or 'all'}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(stream_with_context(chunks), mimetype=MEDIA_TYPES[fmt], headers=headers)
