"""The dashboard pages. Thin: ask `app.reports` for the roll-up, order it, render it."""

from flask import abort, g, render_template, request
from markupsafe import Markup
from sqlalchemy import func, select

from app import reports
from app.dashboard import bp
from app.dashboard.context import (
    chosen_period,
    current_quarter,
    indicator_infos,
    periods,
    scope_township,
    status_labels,
    township_or_403,
)
from app.dashboard.tables import lagging, sort_units, township_code_of, trend_quarters
from app.extensions import db
from app.forms_registry import current_forms
from app.inspection_view import inspection_document
from app.models import Inspection, Village
from app.periods import parse_period
from app.policy import allow, allowed, in_scope
from app.settings import reports_scope_approved_only
from app.sparkline import sparkline


def _sorting() -> tuple[str, bool]:
    return request.args.get("sort", "code"), request.args.get("dir") == "desc"


def _trend_lines(level: str, code: str, unit, period: str) -> dict[str, Markup]:
    """One sparkline per indicator over the last eight quarters, from reports.trend."""
    quarters = trend_quarters(period, current_quarter())
    lines = {}
    for info in indicator_infos():
        points = reports.trend(info.key, level, code, quarters)
        target = unit.indicators[info.key].target if info.key in unit.indicators else None
        lines[info.key] = Markup(
            sparkline(
                [(q, r.rate) for q, r in points],
                target=target,
                title=f"{info.label} {quarters[0]}–{quarters[-1]}",
            )
        )
    return lines


def _has_demo(period: str, village_ids=None) -> bool:
    bounds = parse_period(period)
    statement = (
        select(func.count())
        .select_from(Inspection)
        .where(
            Inspection.is_demo.is_(True), Inspection.inspected_on.between(bounds.start, bounds.end)
        )
    )
    if village_ids is not None:
        statement = statement.where(Inspection.village_id.in_(village_ids))
    return bool(db.session.scalar(statement))


def _page(template: str, **context):
    return render_template(
        template,
        indicators=indicator_infos(),
        statuses=status_labels(),
        periods=periods(),
        approved_only=reports_scope_approved_only(),
        **context,
    )


@bp.get("/")
@allow("dashboard.read")
def county():
    period = chosen_period()
    county_unit = reports.rollup(period, "county")[0]
    sort, descending = _sorting()
    keys = [i.key for i in indicator_infos()]
    townships = reports.rollup(period, "township")
    scope = scope_township()
    villages = reports.rollup(period, "village", scope.code if scope else None)
    return _page(
        "dashboard/county.html",
        period=period,
        unit=county_unit,
        trends=_trend_lines("county", county_unit.code, county_unit, period),
        townships=sort_units(townships, sort, descending, keys),
        sort=sort,
        descending=descending,
        lagging=lagging(villages),
        township_names={t.code: t.name for t in townships},
        township_of=township_code_of,
        scope=scope,
        demo=_has_demo(period),
    )


@bp.get("/township/<code>")
@allow("dashboard.read")
def township(code: str):
    township_row = township_or_403(code)
    period = chosen_period()
    unit = reports.rollup(period, "township", code)[0]
    sort, descending = _sorting()
    keys = [i.key for i in indicator_infos()]
    villages = reports.rollup(period, "village", code)
    village_ids = [v.id for v in township_row.villages]
    latest = dict(
        db.session.execute(
            select(Village.code, func.max(Inspection.id))
            .join(Inspection.village)
            .where(Village.township_id == township_row.id)
            .group_by(Village.code)
        ).all()
    )
    return _page(
        "dashboard/township.html",
        period=period,
        unit=unit,
        township=township_row,
        trends=_trend_lines("township", code, unit, period),
        villages=sort_units(villages, sort, descending, keys),
        sort=sort,
        descending=descending,
        lagging=lagging(villages),
        latest=latest,
        demo=_has_demo(period, village_ids),
    )


@bp.get("/village/<code>")
@allow("dashboard.read")
def village(code: str):
    village_row = db.session.execute(
        select(Village).where(Village.code == code)
    ).scalar_one_or_none()
    if village_row is None:
        abort(404)
    if not in_scope(g.actor, village_row.township_id):
        abort(403)
    period = chosen_period()
    unit = next(
        u for u in reports.rollup(period, "village", village_row.township.code) if u.code == code
    )
    # The answers behind the figures are inspection data: a viewer (dashboards only) sees the
    # figures but not who recorded what.
    may_read = allowed(g.actor.role, "inspection.read")
    inspections = (
        db.session.execute(
            select(Inspection)
            .where(Inspection.village_id == village_row.id)
            .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
        )
        .scalars()
        .all()
    )
    form_set = current_forms().form_set
    documents = [(i, inspection_document(i, form_set)) for i in inspections] if may_read else []
    return _page(
        "dashboard/village.html",
        period=period,
        unit=unit,
        village=village_row,
        trends=_trend_lines("village", code, unit, period),
        inspections=documents,
        form_set=form_set,
        may_read_inspections=may_read,
    )


@bp.get("/completeness")
@allow("dashboard.read")
def completeness():
    period = chosen_period()
    scope = scope_township()
    townships = [
        t for t in reports.rollup(period, "township") if scope is None or t.code == scope.code
    ]
    villages = reports.rollup(period, "village", scope.code if scope else None)
    missing: dict[str, list] = {}
    for village_unit in villages:
        if village_unit.villages_reported == 0:
            missing.setdefault(township_code_of(village_unit.code), []).append(village_unit)
    return _page(
        "dashboard/completeness.html",
        period=period,
        townships=townships,
        missing=missing,
        scope=scope,
    )
