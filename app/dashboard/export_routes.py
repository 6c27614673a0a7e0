"""Downloads of the township and village tables as CSV or XLSX, in the page's language.

The rows come from the same roll-up as the pages and are written by `app.exports`, which
rounds every figure the way the page shows it.
"""

from flask import Response, abort, request
from flask_babel import gettext as _

from app import exports, reports
from app.dashboard import bp
from app.dashboard.context import (
    chosen_period,
    indicator_infos,
    scope_township,
    status_labels,
    township_or_403,
)
from app.dashboard.tables import township_code_of
from app.policy import allow

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _words() -> exports.Words:
    return exports.Words(
        code=_("Code"),
        name=_("Name"),
        township=_("Township"),
        villages_total=_("Villages (total)"),
        villages_reported=_("Villages reported"),
        numerator=_("Numerator"),
        denominator=_("Denominator"),
        rate=_("Rate"),
        target=_("Target"),
        status=_("Status"),
        status_labels=status_labels(),
    )


def _send(header, rows, fmt: str, filename: str, sheet_title: str) -> Response:
    if fmt == "csv":
        body = exports.write_csv(header, rows)
    else:
        body = exports.write_xlsx(header, rows, sheet_title)
    return Response(
        body,
        mimetype=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}.{fmt}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/export/townships.<fmt>")
@allow("dashboard.export")
def export_townships(fmt: str):
    if fmt not in MEDIA_TYPES:
        abort(404)
    period = chosen_period()
    units = reports.rollup(period, "township")
    indicators = [(i.key, i.label) for i in indicator_infos()]
    header, rows = exports.table(units, indicators, _words())
    return _send(header, rows, fmt, f"cunjian-townships-{period}", f"{_('Townships')} {period}")


@bp.get("/export/villages.<fmt>")
@allow("dashboard.export")
def export_villages(fmt: str):
    """All villages (county roles) or one township's (`?township=`; township roles always get
    their own township only)."""
    if fmt not in MEDIA_TYPES:
        abort(404)
    period = chosen_period()
    scope = scope_township()
    code = request.args.get("township") or (scope.code if scope else None)
    if code is not None:
        township_or_403(code)
    units = reports.rollup(period, "village", code)
    names = {t.code: t.name for t in reports.rollup(period, "township")}
    indicators = [(i.key, i.label) for i in indicator_infos()]
    header, rows = exports.table(
        units,
        indicators,
        _words(),
        township_names={u.code: names.get(township_code_of(u.code), "") for u in units},
    )
    suffix = f"-{code}" if code else ""
    return _send(
        header, rows, fmt, f"cunjian-villages{suffix}-{period}", f"{_('Villages')} {period}"
    )
