"""The trends page: per indicator, the last eight quarters of the county or one township as a
chart with each value written on it (app/views/dashboard/trend_chart.py) and the same numbers as a
table.

Every number comes from app/rollups/reports.trend (the one roll-up). A township role sees its own
township (and the county's total, as on the county page); `?township=` outside the caller's
scope is refused by app/accounts/access.py.
"""

from flask import abort, render_template, request
from markupsafe import Markup

from app.accounts.access import county_or_abort, home_county, township_or_abort
from app.accounts.policy import allow
from app.rollups import reports
from app.rollups.status_labels import status_labels
from app.settings import reports_scope_approved_only
from app.views.dashboard.blueprint import bp
from app.views.dashboard.context import (
    chosen_period,
    current_quarter,
    indicator_infos,
    own_township,
    periods,
)
from app.views.dashboard.tables import trend_quarters
from app.views.dashboard.trend_chart import trend_chart


def trend_blocks(level: str, code: str, quarters: list[str]) -> list[dict]:
    """Per indicator: its info, the series [(quarter, IndicatorResult)] and the chart."""
    blocks = []
    for info in indicator_infos():
        series = reports.trend(info.key, level, code, quarters)
        table_id = f"trend-table-{info.key}"
        title = f"{info.label} {quarters[0]}–{quarters[-1]}"
        chart = Markup(trend_chart(series, title, table_id))  # noqa: S704 - our own escaped SVG
        blocks.append({"info": info, "series": series, "chart": chart, "table_id": table_id})
    return blocks


@bp.get("/trends")
@allow("dashboard.read")
def trends_page():
    period = chosen_period()
    county = county_or_abort(request.args["county"]) if request.args.get("county") else None
    township = None
    if request.args.get("township"):
        township = township_or_abort(request.args["township"])
        county = township.county
    county = county or home_county() or getattr(own_township(), "county", None)
    if county is None:
        abort(404)  # a deployment-wide actor picks a county: ?county=
    unit = township or county
    quarters = trend_quarters(period, current_quarter())
    level = "township" if township else "county"
    own = own_township()
    return render_template(
        "dashboard/trends.html",
        unit=unit,
        county=county,
        township=township,
        townships=[own] if own else list(county.townships),
        blocks=trend_blocks(level, unit.code, quarters),
        period=period,
        periods=periods(),
        statuses=status_labels(),
        approved_only=reports_scope_approved_only(),
        province_home=home_county() is None,
        county_param=request.args.get("county"),
    )
