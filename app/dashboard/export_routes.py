"""Downloads of the township and village tables as CSV or XLSX, in the page's language.

The rows come from the same roll-up as the pages and are written by `app.exports`, which
rounds every figure the way the page shows it.

A province's village table is about 25,000 rows, so no export is built in memory: both the CSV
and the XLSX are generator responses whose rows are written as they are made. Their first bytes
(the CSV's header, the XLSX's fixed parts) go out before the village roll-up runs (a few seconds
at province size), so the download starts at once; the checks that can refuse (period, scope)
run before that. Should the roll-up fail afterwards, the chunked response stops without its last
chunk and the download fails rather than looking complete (an XLSX without its zip directory
does not open at all).
"""

from flask import Response, abort, request, stream_with_context
from flask_babel import gettext as _
from sqlalchemy import select

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
from app.extensions import db
from app.models import Township
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
    """`rows` is an iterator: the body is made while it is sent, never held whole."""
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}.{fmt}"',
        "Cache-Control": "no-store",
    }
    chunks = (
        exports.iter_csv(header, rows)
        if fmt == "csv"
        else exports.iter_xlsx(header, rows, sheet_title)
    )
    return Response(stream_with_context(chunks), mimetype=MEDIA_TYPES[fmt], headers=headers)


@bp.get("/export/townships.<fmt>")
@allow("dashboard.export")
def export_townships(fmt: str):
    if fmt not in MEDIA_TYPES:
        abort(404)
    period = chosen_period()
    indicators = [(i.key, i.label) for i in indicator_infos()]
    words = _words()
    header = exports.header(indicators, words)
    rows = _township_rows(period, indicators, words)
    return _send(header, rows, fmt, f"cunjian-townships-{period}", f"{_('Townships')} {period}")


def _township_rows(period: str, indicators, words):
    """The township rows, made lazily like the village rows below."""
    yield from exports.rows(reports.rollup(period, "township"), indicators, words)


def _village_rows(period: str, code: str | None, indicators, words):
    """The village rows, made lazily: the roll-up runs when the first row is asked for, so the
    file's first bytes are on their way while a province's roll-up (a few seconds) runs."""
    units = reports.rollup(period, "village", code)
    # The township names only: a second (township) roll-up would double the work.
    names = dict(db.session.execute(select(Township.code, Township.name)).all())
    township_names = {u.code: names.get(township_code_of(u.code), "") for u in units}
    yield from exports.rows(units, indicators, words, township_names)


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
    indicators = [(i.key, i.label) for i in indicator_infos()]
    words = _words()
    header = exports.header(indicators, words, with_township=True)
    rows = _village_rows(period, code, indicators, words)
    suffix = f"-{code}" if code else ""
    return _send(
        header, rows, fmt, f"cunjian-villages{suffix}-{period}", f"{_('Villages')} {period}"
    )
