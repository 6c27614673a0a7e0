"""The ranking page and its CSV/XLSX: per indicator, villages (of the county or one township) or
townships, furthest behind their own target first (app/rollups/ranking.py,
app/rollups/ranking_data.py).

Scope as everywhere (app/accounts/policy.py): a township role ranks its own township's villages (the
county's townships, whose figures its county page shows, too); `?township=` outside the
caller's scope is refused by app/accounts/access.py.
"""

from flask import Response, abort, render_template, request, stream_with_context
from flask_babel import gettext as _

from app.accounts.access import county_or_abort, home_county, township_or_abort
from app.accounts.policy import allow
from app.exports import tables as exports
from app.i18n import current_lang
from app.models import Township
from app.rollups.ranking import table_row
from app.rollups.ranking_data import LEVELS, ranking
from app.rollups.status_labels import status_labels
from app.settings import reports_scope_approved_only
from app.sites.pages import month_shown, site_infos, township_ranking
from app.views.dashboard.blueprint import bp
from app.views.dashboard.context import (
    IndicatorInfo,
    chosen_period,
    indicator_infos,
    own_township,
    periods,
)
from app.views.dashboard.export_routes import MEDIA_TYPES
from app.views.labels import ZONE_LABELS, zone_text


def _site_keys() -> set[str]:
    return {s.key for s in site_infos(current_lang())}


def _infos() -> list[IndicatorInfo]:
    """The village indicators, then the site figures (issue 23: ranked by township only)."""
    sites = [IndicatorInfo(s.key, s.label, "", "") for s in site_infos(current_lang())]
    return indicator_infos() + sites


def _choice():
    """(indicator info, level, township or None, county, the scope code ranked) from the query;
    404 for an unknown indicator or level, 403 outside the caller's scope."""
    infos = _infos()
    key = request.args.get("indicator") or infos[0].key
    info = next((i for i in infos if i.key == key), None)
    level = request.args.get("level", "village")
    if info is None or level not in LEVELS:
        abort(404)
    if key in _site_keys():
        level = "township"  # a village's sites are too few to rate (app/sites/rollup.py)
    county = None
    if request.args.get("county"):
        county = county_or_abort(request.args["county"])
    township = own_township()
    if request.args.get("township") and level == "village":
        township = township_or_abort(request.args["township"])
    if township is not None:
        county = township.county
    county = county or home_county()
    if county is None:
        abort(404)  # a deployment-wide actor ranks one county at a time: ?county=
    scope = township.code if township is not None and level == "village" else county.code
    return info, level, township, county, scope


@bp.get("/ranking")
@allow("dashboard.read")
def ranking_page():
    info, level, township, county, scope = _choice()
    period = chosen_period()
    rows = _rows(info.key, period, level, scope, county)
    return render_template(
        "dashboard/ranking.html",
        info=info,
        indicators=_infos(),
        site_keys=_site_keys(),
        site_month=month_shown(period),
        level=level,
        township=township if level == "village" else None,
        townships=_townships(county),
        county=county,
        rows=rows,
        period=period,
        periods=periods(),
        statuses=status_labels(),
        zone_text=zone_text,
        approved_only=reports_scope_approved_only(),
        province_home=home_county() is None,
        county_param=request.args.get("county"),
    )


def _rows(key: str, period: str, level: str, scope: str, county):
    """The village indicators from the roll-up's ranking; the site figures per township of the
    county (app/sites/pages.py: its two statements, whatever the townships)."""
    if key in _site_keys():
        return township_ranking(key, period, county, reports_scope_approved_only())
    return ranking(key, period, level, scope)


def _townships(county) -> list[Township]:
    """The townships a caller may pick: all of the county's, or a township role's own."""
    own = own_township()
    return [own] if own is not None else list(county.townships)


def _header() -> list[str]:
    return [
        _("Rank"),
        _("Code"),
        _("Name"),
        _("Township"),
        _("Zone"),
        _("Rate") + " (%)",
        _("Target") + " (%)",
        _("Gap (points)"),
        _("Numerator"),
        _("Denominator"),
        _("Status"),
        _("Expected on the path") + " (%)",
        _("Progress"),
        _("Last inspection"),
    ]


@bp.get("/export/ranking.<fmt>")
@allow("dashboard.export")
def export_ranking(fmt: str):
    if fmt not in MEDIA_TYPES:
        abort(404)
    info, level, _township, county, scope = _choice()
    period = chosen_period()
    labels = status_labels()
    zones = {z: str(v) for z, v in ZONE_LABELS.items()}

    def body():
        for row in _rows(info.key, period, level, scope, county):
            yield table_row(row, labels, {row.zone: zone_text(row.zone), **zones})

    name = f"cunjian-ranking-{info.key}-{level}-{scope}-{period}"
    chunks = (
        exports.iter_csv(_header(), body())
        if fmt == "csv"
        else exports.iter_xlsx(_header(), body(), f"{info.label} {period}")
    )
    headers = {
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"',
        "Cache-Control": "no-store",
    }
    return Response(stream_with_context(chunks), content_type=MEDIA_TYPES[fmt], headers=headers)
