"""The dashboard pages. Thin: ask `app.rollups.reports` for the roll-up (and
app/inspections/listings.py for the inspections), order it, render it. Units are looked up
through app/accounts/access.py (404 unknown, 403 outside the actor's scope)."""

from flask import current_app, g, render_template, request
from markupsafe import Markup

from app.accounts.access import (
    county_count,
    county_or_abort,
    home_county,
    township_or_abort,
    village_or_abort,
)
from app.accounts.policy import allow, permitted
from app.clock import county_now
from app.demo.hint import CLEAR_COMMAND, DEMO_COMMAND, nothing_recorded
from app.formdefs.display import field_number
from app.formdefs.registry import current_forms
from app.i18n import current_lang
from app.inspections.document import inspection_document
from app.inspections.listings import has_demo_inspections, latest_by_village, village_inspections
from app.inspections.photo_thumbs import photos_by_inspection
from app.periods import period_name
from app.problems.as_of import counts_at_period_end
from app.rollups import reports
from app.rollups.estimated_shares import estimated_shares
from app.rollups.status_labels import status_labels
from app.settings import reports_scope_approved_only
from app.sites.pages import county_sites, month_shown, province_sites, site_infos
from app.views.dashboard.blueprint import bp
from app.views.dashboard.context import (
    breadcrumbs,
    chosen_period,
    current_quarter,
    indicator_infos,
    own_township,
    periods,
)
from app.views.dashboard.sparkline import sparkline
from app.views.dashboard.tables import lagging, sort_units, township_code_of, trend_quarters


def _sorting() -> tuple[str, bool]:
    return request.args.get("sort", "code"), request.args.get("dir") == "desc"


def _trend_lines(level: str, code: str, unit, period: str) -> dict[str, Markup]:
    """One sparkline per indicator over the last eight quarters, from reports.trend."""
    quarters = trend_quarters(period, current_quarter())
    lines, lang = {}, current_lang()
    span = f"{period_name(quarters[0], lang)}–{period_name(quarters[-1], lang)}"
    for info in indicator_infos():
        points = reports.trend(info.key, level, code, quarters)
        target = unit.indicators[info.key].target if info.key in unit.indicators else None
        lines[info.key] = Markup(
            sparkline(
                [(q, r.rate) for q, r in points],
                target=target,
                title=f"{info.label} {span}",
            )
        )
    return lines


def _estimated(period: str, place):
    """How much of each calculated figure in the unit is estimated
    (app/rollups/estimated_shares.py)."""
    return estimated_shares(period, place, reports_scope_approved_only())


def _site_context(period: str, county_row, unit) -> dict:
    """The site figures of the county (two statements, whatever its townships: app/sites/pages.py)
    and the combined manure rate of `unit` (the county or one township)."""
    sites = county_sites(period, county_row, reports_scope_approved_only())
    return _site_figures(period, sites, unit)


def _site_figures(period: str, sites, unit) -> dict:
    return {
        "sites": sites,
        "site_infos": site_infos(current_lang()),
        "site_month": month_shown(period),
        "manure": sites.combined_manure(unit),
    }


def _page(template: str, **context):
    return render_template(
        template,
        indicators=indicator_infos(),
        statuses=status_labels(),
        periods=periods(),
        approved_only=reports_scope_approved_only(),
        province_home=home_county() is None,
        summary_stale=g.actor.role == "county_admin" and reports.summary_freshness() == "stale",
        nothing_recorded=nothing_recorded(),
        demo_commands=(DEMO_COMMAND, CLEAR_COMMAND),
        **context,
    )


@bp.get("/")
@bp.get("/county/<code>")
@allow("dashboard.read")
def county(code: str | None = None):
    """The home page: the province (one row per county) for a deployment-wide actor when there
    are several counties; otherwise, and at /county/<code>, a county with its townships."""
    period = chosen_period()
    if code is not None:
        county_row = county_or_abort(code)
    elif (county_row := home_county()) is None:
        return _province(period)
    unit = reports.rollup(period, "county", county_row.code)[0]
    sort, descending = _sorting()
    keys = [i.key for i in indicator_infos()]
    townships = reports.rollup(period, "township", county_row.code)
    township = own_township()
    villages = reports.rollup(period, "village", (township or county_row).code)
    several = county_count() > 1
    return _page(
        "dashboard/county.html",
        period=period,
        unit=unit,
        county=county_row,
        county_param=county_row.code if several else None,
        crumbs=breadcrumbs(period, county_row) if several else [],
        trends=_trend_lines("county", unit.code, unit, period),
        townships=sort_units(townships, sort, descending, keys),
        sort=sort,
        descending=descending,
        lagging=lagging(villages),
        township_names={t.code: t.name for t in townships},
        township_of=township_code_of,
        scope=township,
        demo=has_demo_inspections(period, county_id=county_row.id),
        problem_counts=counts_at_period_end(
            g.actor, period, county_now(), current_app.config["COUNTY_TIMEZONE"]
        ),
        estimated=_estimated(period, ("county", county_row.id)),
        estimated_scope={"county": county_row.code},
        **_site_context(period, county_row, unit),
    )


def _province(period: str):
    """The province page: its total and one row per county, each linking to its county."""
    unit = reports.rollup(period, "province")[0]
    sort, descending = _sorting()
    keys = [i.key for i in indicator_infos()]
    counties = reports.rollup(period, "county")
    return _page(
        "dashboard/province.html",
        period=period,
        unit=unit,
        trends=_trend_lines("province", unit.code, unit, period),
        counties=sort_units(counties, sort, descending, keys),
        sort=sort,
        descending=descending,
        demo=has_demo_inspections(period),
        estimated=_estimated(period, None),
        estimated_scope={},
        # Σ of every county's site figures (three statements, whatever their number)
        **_site_figures(
            period, province_sites(period, unit.code, reports_scope_approved_only()), unit
        ),
    )


@bp.get("/township/<code>")
@allow("dashboard.read")
def township(code: str):
    township_row = township_or_abort(code)
    period = chosen_period()
    unit = reports.rollup(period, "township", code)[0]
    sort, descending = _sorting()
    keys = [i.key for i in indicator_infos()]
    villages = reports.rollup(period, "village", code)
    latest = latest_by_village(township_row.id)
    return _page(
        "dashboard/township.html",
        period=period,
        unit=unit,
        township=township_row,
        crumbs=breadcrumbs(period, township_row.county, township_row),
        trends=_trend_lines("township", code, unit, period),
        villages=sort_units(villages, sort, descending, keys),
        sort=sort,
        descending=descending,
        lagging=lagging(villages),
        latest=latest,
        demo=has_demo_inspections(period, township_id=township_row.id),
        estimated=_estimated(period, ("township", township_row.id)),
        estimated_scope={"township": code},
        **_site_context(period, township_row.county, unit),
    )


@bp.get("/village/<code>")
@allow("dashboard.read")
def village(code: str):
    village_row = village_or_abort(code)
    period = chosen_period()
    unit = next(
        u for u in reports.rollup(period, "village", village_row.township.code) if u.code == code
    )
    # The answers behind the figures are inspection data: a viewer (dashboards only) sees the
    # figures but not who recorded what.
    may_read = permitted(g.actor, "inspection.read")
    inspections = village_inspections(village_row.id)
    form_set = current_forms().form_set
    documents = [(i, inspection_document(i, form_set)) for i in inspections] if may_read else []
    return _page(
        "dashboard/village.html",
        period=period,
        unit=unit,
        village=village_row,
        crumbs=breadcrumbs(period, village_row.township.county, village_row.township, village_row),
        trends=_trend_lines("village", code, unit, period),
        inspections=documents,
        photos=photos_by_inspection(i.id for i, _doc in documents),
        form_set=form_set,
        field_number=field_number,
        may_read_inspections=may_read,
        estimated=_estimated(period, ("village", village_row.id)),
        estimated_scope={"township": village_row.township.code},
    )


@bp.get("/completeness")
@allow("dashboard.read")
def completeness():
    """Villages without an inspection, per township of one county (`?county=`, else the actor's
    county; a township role sees their own township). For a deployment-wide actor with several
    counties and no `?county=`, one line per county linking to its own list."""
    period = chosen_period()
    code = request.args.get("county")
    county_row = county_or_abort(code) if code else home_county()
    if county_row is None:
        counties = reports.rollup(period, "county")
        return _page("dashboard/completeness.html", period=period, counties=counties)
    township = own_township()
    townships = [
        t
        for t in reports.rollup(period, "township", county_row.code)
        if township is None or t.code == township.code
    ]
    villages = reports.rollup(period, "village", (township or county_row).code)
    missing: dict[str, list] = {}
    for village_unit in villages:
        if village_unit.villages_reported == 0:
            missing.setdefault(township_code_of(village_unit.code), []).append(village_unit)
    several = county_count() > 1
    return _page(
        "dashboard/completeness.html",
        period=period,
        county=county_row,
        county_param=county_row.code if several else None,
        crumbs=breadcrumbs(period, county_row) if several else [],
        townships=townships,
        missing=missing,
        scope=township,
    )
