"""GET /api/v1/rollup and /api/v1/rollup/trend: the roll-ups as JSON.

Levels go province → county → township → village. Who sees what (app/accounts/policy.py): the
province's total is open to every official, and so are the caller's own county's total and its
townships' figures (an inspector may see how the county and its townships stand, as the county
page and the townships export show). Villages must lie inside the caller's scope: a
county-scoped admin or viewer asking for another county's figures, or a township role for
another township's villages, gets 403; an unknown unit 404. Without `county` or `township` a
roll-up covers the caller's scope: levels county and township give the counties and townships
of their county (for a township role, the county of their township), level village the villages
of their county or township.
"""

from dataclasses import fields

from flask import abort, current_app, request
from marshmallow import ValidationError

from app.accounts.access import (
    county_or_abort,
    scope_unit,
    township_figures_or_abort,
    township_or_abort,
    village_or_abort,
)
from app.accounts.policy import allow
from app.clock import county_today
from app.formdefs.registry import current_forms
from app.models import Township
from app.periods import parse_any_period, previous_quarters, quarter_of
from app.rollups.core import IndicatorResult
from app.rollups.estimated_shares import estimated_shares
from app.rollups.reports import place_of, rollup, trend
from app.settings import reports_scope_approved_only
from app.sites.rollup import month_units, with_site_figures
from app.views.api.blueprint import bp
from app.views.api.schemas_rollup import (
    rollup_query_schema,
    rollup_schema,
    trend_query_schema,
    trend_schema,
)

RESULT_FIELDS = fields(IndicatorResult)  # flat: dataclasses.asdict deep-copies every value


@bp.get("/rollup")
@allow("rollup.read")
def get_rollup():
    query = rollup_query_schema.load(_query_args())
    level = query["level"]
    scope = _scope(level, query.get("county"), query.get("township"))
    approved_only = reports_scope_approved_only()  # read once: the figures and the label
    span = parse_any_period(query["period"])
    if span.is_month:  # the site figures only (issue 23): villages report by quarter
        units, shares = month_units(span, level, scope, approved_only), None
    else:
        units = rollup(query["period"], level, scope, approved_only)
        units = with_site_figures(units, span, level, approved_only)
        shares = estimated_shares(
            query["period"], place_of(scope) if scope else None, approved_only
        )
    return _json(
        rollup_schema,
        {
            "period": query["period"],
            "level": level,
            "scope": scope,
            "counts": _counts(approved_only),
            "units": units,
            "estimated": None
            if shares is None
            else [
                {
                    "field": s.path,
                    "label": s.label,
                    "unit": s.unit,
                    "estimated": s.estimated,
                    "total": s.total,
                    "share": s.share,
                }
                for s in shares
            ],
        },
    )


def _scope(level: str, county: str | None, township: str | None) -> str | None:
    """The scope code the roll-up runs with: the one asked for once the caller may see it, else
    the caller's own (None: the whole deployment)."""
    if township:
        if level == "township":
            return township_figures_or_abort(township).code
        return township_or_abort(township).code
    if county:
        # A county's total and its townships' figures are open to its township roles; its
        # villages not.
        return county_or_abort(county, whole=level == "village").code
    unit = scope_unit()
    if level == "province" or unit is None:
        return None
    if level in ("county", "township") and isinstance(unit, Township):
        return unit.county.code
    return unit.code


@bp.get("/rollup/trend")
@allow("rollup.read")
def get_trend():
    query = trend_query_schema.load(_query_args())
    if current_forms().indicators.get(query["indicator"]) is None:
        raise ValidationError({"indicator": ["unknown indicator"]})
    level, code = query["level"], query["code"]
    if level == "province" and code != current_app.config["PROVINCE_CODE"]:
        abort(404)
    if level == "county":
        county_or_abort(code)
    if level == "township":
        township_figures_or_abort(code)
    if level == "village":
        village_or_abort(code)
    periods = previous_quarters(quarter_of(county_today()), query["periods"])
    approved_only = reports_scope_approved_only()
    series = [
        {"period": period, **{f.name: getattr(result, f.name) for f in RESULT_FIELDS}}
        for period, result in trend(query["indicator"], level, code, periods, approved_only)
    ]
    return _json(
        trend_schema,
        {
            "indicator": query["indicator"],
            "level": level,
            "code": code,
            "counts": _counts(approved_only),
            "series": series,
        },
    )


def _json(schema, document: dict):
    """The schema's dump as JSON, its keys in the schema's order rather than sorted: sorting
    the keys of the counties' table's ~2,000 objects was half of its JSON's CPU (issue 21)."""
    body = current_app.json.dumps(schema.dump(document), sort_keys=False, separators=(",", ":"))
    return current_app.response_class(body + "\n", mimetype=current_app.json.mimetype)


def _counts(approved_only: bool) -> str:
    """Which inspections the figures count: the deployment's setting, said with every answer."""
    return "approved" if approved_only else "all"


def _query_args() -> dict:
    args = request.args.to_dict()
    args.pop("lang", None)  # the language switch is not part of the query
    return args
