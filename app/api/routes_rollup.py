"""GET /api/v1/rollup and /api/v1/rollup/trend: the roll-ups as JSON.

Who sees what: county figures are public to every official, so any signed-in role may read the
county level (an inspector may see how the county as a whole stands). Township and village
figures of a township are limited by the policy's township scope: a township role asking for
another township's unit gets 403, and without `township` gets its own township only.
"""

from dataclasses import fields

from flask import abort, current_app, g, request
from marshmallow import ValidationError

from app.api import bp
from app.api.schemas_rollup import (
    rollup_query_schema,
    rollup_schema,
    trend_query_schema,
    trend_schema,
)
from app.clock import county_today
from app.extensions import db
from app.forms_registry import current_forms
from app.models import Township, Village
from app.periods import previous_quarters, quarter_of
from app.policy import allow, in_scope, township_scope
from app.reports import rollup, trend
from app.rollup import IndicatorResult
from app.settings import reports_scope_approved_only

RESULT_FIELDS = fields(IndicatorResult)  # flat: dataclasses.asdict deep-copies every value


@bp.get("/rollup")
@allow("rollup.read")
def get_rollup():
    query = rollup_query_schema.load(_query_args())
    township = query.get("township")
    if township is not None:
        _check_township(township)
    elif query["level"] != "county" and (scope := township_scope(g.actor)) is not None:
        township = db.session.get(Township, scope).code
    approved_only = reports_scope_approved_only()  # read once: the figures and the label
    units = rollup(query["period"], query["level"], township, approved_only)
    return rollup_schema.dump(
        {
            "period": query["period"],
            "level": query["level"],
            "counts": _counts(approved_only),
            "units": units,
        }
    )


@bp.get("/rollup/trend")
@allow("rollup.read")
def get_trend():
    query = trend_query_schema.load(_query_args())
    if current_forms().indicators.get(query["indicator"]) is None:
        raise ValidationError({"indicator": ["unknown indicator"]})
    level, code = query["level"], query["code"]
    if level == "county" and code != current_app.config["COUNTY_CODE"]:
        abort(404)
    if level == "township":
        _check_township(code)
    if level == "village":
        village = db.session.execute(db.select(Village).where(Village.code == code)).scalar()
        if village is None:
            abort(404)
        if not in_scope(g.actor, village.township_id):
            abort(403)
    periods = previous_quarters(quarter_of(county_today()), query["periods"])
    approved_only = reports_scope_approved_only()
    series = [
        {"period": period, **{f.name: getattr(result, f.name) for f in RESULT_FIELDS}}
        for period, result in trend(query["indicator"], level, code, periods, approved_only)
    ]
    return trend_schema.dump(
        {
            "indicator": query["indicator"],
            "level": level,
            "code": code,
            "counts": _counts(approved_only),
            "series": series,
        }
    )


def _counts(approved_only: bool) -> str:
    """Which inspections the figures count: the county's setting, said with every answer."""
    return "approved" if approved_only else "all"


def _check_township(code: str) -> None:
    """404 for a township that does not exist, 403 for one outside the caller's scope."""
    township_id = db.session.execute(db.select(Township.id).where(Township.code == code)).scalar()
    if township_id is None:
        abort(404)
    if not in_scope(g.actor, township_id):
        abort(403)


def _query_args() -> dict:
    args = request.args.to_dict()
    args.pop("lang", None)  # the language switch is not part of the query
    return args
