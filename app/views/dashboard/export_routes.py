"""Downloads of the county, township and village tables as CSV or XLSX, in the page's language.

The rows come from the same roll-up as the pages and are written by `app.exports.tables`, which
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

from app.accounts.access import county_or_abort, home_county, scope_unit, township_or_abort
from app.accounts.audit_apart import record_apart
from app.accounts.policy import allow
from app.exports import tables as exports
from app.geography.listings import township_names_by_code
from app.i18n import current_lang
from app.periods import parse_period, period_name
from app.rollups import reports
from app.rollups.estimated_shares import village_estimate_notes
from app.rollups.status_labels import status_labels
from app.settings import reports_scope_approved_only
from app.sites.manure import COMBINED
from app.sites.pages import MONTHLY, month_shown, site_infos
from app.sites.rollup import with_site_figures
from app.views.dashboard.blueprint import bp
from app.views.dashboard.context import chosen_period, indicator_infos
from app.views.dashboard.tables import township_code_of

MEDIA_TYPES = exports.MEDIA_TYPES


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
        estimated=_("Partly estimated (estimated share)"),
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
    return Response(stream_with_context(chunks), content_type=MEDIA_TYPES[fmt], headers=headers)


@bp.get("/export/counties.<fmt>")
@allow("dashboard.export")
def export_counties(fmt: str):
    """The counties of the actor's scope (every county for a deployment-wide actor)."""
    if fmt not in MEDIA_TYPES:
        abort(404)
    period = chosen_period()
    home = home_county()
    code = home.code if home else None
    _audit("counties", fmt, period, code)
    return _table(
        lambda: _with_sites(reports.rollup(period, "county", code), period, "county"),
        fmt,
        f"cunjian-counties-{period}",
        f"{_('Counties')} {period}",
    )


@bp.get("/export/townships.<fmt>")
@allow("dashboard.export")
def export_townships(fmt: str):
    """The townships of one county (`?county=`, inside the actor's scope) or of the actor's
    county."""
    if fmt not in MEDIA_TYPES:
        abort(404)
    period = chosen_period()
    code = request.args.get("county")
    if code:
        county_or_abort(code)
    else:
        home = home_county()
        code = home.code if home else None
    suffix = f"-{request.args['county']}" if request.args.get("county") else ""
    _audit("townships", fmt, period, code)
    return _table(
        lambda: _with_sites(reports.rollup(period, "township", code), period, "township"),
        fmt,
        f"cunjian-townships{suffix}-{period}",
        f"{_('Townships')} {period}",
    )


def _audit(table: str, fmt: str, period: str, scope: str | None) -> None:
    """Who took which figures away, and when (ASVS 7.1.3: exports are audited)."""
    record_apart("export", ("export", table), format=fmt, period=period, scope=scope)


def _with_sites(units, period: str, level: str):
    """The counties' or townships' rows with their site figures (issue 23) beside the villages'
    and the combined manure rate of villages and scale farms (three statements, whatever the
    number of units: app/sites/rollup.py)."""
    approved_only = reports_scope_approved_only()
    return with_site_figures(units, parse_period(period), level, approved_only, manure=True)


def _site_columns(period: str) -> list[tuple[str, str]]:
    """The site figures' columns; the monthly one names the month it reads (the period's last)."""
    lang = current_lang()
    month = period_name(month_shown(period), lang)
    columns = [
        (s.key, f"{s.label} ({month})" if s.key == MONTHLY else s.label) for s in site_infos(lang)
    ]
    return [*columns, (COMBINED, _("Manure utilisation, villages and scale farms together"))]


def _table(make_units, fmt: str, filename: str, sheet_title: str) -> Response:
    indicators = [(i.key, i.label) for i in indicator_infos()]
    indicators += _site_columns(chosen_period())
    words = _words()
    header = exports.header(indicators, words)
    return _send(header, _lazy_rows(make_units, indicators, words), fmt, filename, sheet_title)


def _lazy_rows(make_units, indicators, words):
    """The rows, made lazily like the village rows below: the roll-up runs once the file's
    first bytes are on their way."""
    yield from exports.rows(make_units(), indicators, words)


def _village_rows(period: str, code: str | None, indicators, words):
    """The village rows, made lazily: the roll-up runs when the first row is asked for, so the
    file's first bytes are on their way while a province's roll-up (a few seconds) runs."""
    units = reports.rollup(period, "village", code)
    # The township names only: a second (township) roll-up would double the work.
    names = township_names_by_code()
    township_names = {u.code: names.get(township_code_of(u.code), "") for u in units}
    # Which calculated figures rest partly on estimates, village by village (issue 20).
    place = reports.place_of(code) if code else None
    notes = village_estimate_notes(period, place, reports_scope_approved_only(), current_lang())
    yield from exports.rows(units, indicators, words, township_names, notes)


@bp.get("/export/villages.<fmt>")
@allow("dashboard.export")
def export_villages(fmt: str):
    """The villages of one township (`?township=`) or county (`?county=`), inside the actor's
    scope; without either, all the actor's scope holds (township roles: their township)."""
    if fmt not in MEDIA_TYPES:
        abort(404)
    period = chosen_period()
    if request.args.get("township"):
        code = township_or_abort(request.args["township"]).code
    elif request.args.get("county"):
        code = county_or_abort(request.args["county"], whole=True).code
    else:
        unit = scope_unit()
        code = unit.code if unit else None
    indicators = [(i.key, i.label) for i in indicator_infos()]
    words = _words()
    header = exports.header(indicators, words, with_township=True, with_estimates=True)
    rows = _village_rows(period, code, indicators, words)
    _audit("villages", fmt, period, code)
    suffix = f"-{code}" if code else ""
    return _send(
        header, rows, fmt, f"cunjian-villages{suffix}-{period}", f"{_('Villages')} {period}"
    )
