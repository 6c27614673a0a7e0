"""GET /api/v1/ranking: per indicator, villages (of a county or a township) or townships,
furthest behind their own target first (app/rollups/ranking.py): the rows of the ranking page.

Scope (app/accounts/policy.py): village figures stay within the caller's township for township
roles, whose default is their own township; a county admin or viewer ranks their county; another
county or township is 403, an unknown one 404.
"""

from dataclasses import asdict

from flask import abort
from marshmallow import ValidationError

from app.accounts.access import county_or_abort, home_county, scope_unit, township_or_abort
from app.accounts.policy import allow
from app.formdefs.registry import current_forms
from app.models import Township
from app.rollups.ranking_data import ranking
from app.settings import reports_scope_approved_only
from app.views.api.blueprint import bp
from app.views.api.routes_rollup import _counts, _query_args
from app.views.api.schemas_rollup import ranking_query_schema, ranking_schema


@bp.get("/ranking")
@allow("rollup.read")
def get_ranking():
    query = ranking_query_schema.load(_query_args())
    if current_forms().indicators.get(query["indicator"]) is None:
        raise ValidationError({"indicator": ["unknown indicator"]})
    level = query["level"]
    scope = _scope(level, query.get("county"), query.get("township"))
    rows = ranking(query["indicator"], query["period"], level, scope)
    return ranking_schema.dump(
        {
            "indicator": query["indicator"],
            "period": query["period"],
            "level": level,
            "scope": scope,
            "counts": _counts(reports_scope_approved_only()),
            "rows": [asdict(row) for row in rows],
        }
    )


def _scope(level: str, county: str | None, township: str | None) -> str:
    if township:
        return township_or_abort(township).code
    own = scope_unit()
    if county:
        # its villages need the whole county in scope; its townships' totals are open to the
        # county's township roles, as on the county page
        return county_or_abort(county, whole=level == "village").code
    if isinstance(own, Township):
        return own.code if level == "village" else own.county.code
    home = own or home_county()
    if home is None:
        abort(404)  # a deployment-wide caller names the county: ?county=
    return home.code
