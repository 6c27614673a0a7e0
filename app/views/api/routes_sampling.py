"""The sampling plan's API (issue 23): GET /api/v1/sampling-plan (the month's draw per township
in the caller's scope, drawn now if nobody has asked yet and then kept) and
POST /api/v1/sampling-plan/adjust (a county admin adds a site or takes one out)."""

from flask import abort, g

from app.accounts.access import township_or_abort
from app.accounts.policy import allow
from app.extensions import db
from app.sites import plan, registry
from app.sites.documents import plan_document, townships_in_scope
from app.sites.kinds import site_kinds
from app.views.api.blueprint import bp
from app.views.api.body import json_body, query_args
from app.views.api.schemas_sites import (
    SamplingAdjustSchema,
    SamplingPlanSchema,
    SamplingQuerySchema,
)


@bp.get("/sampling-plan")
@allow("sampling.read")
def get_sampling_plan():
    query = SamplingQuerySchema().load(query_args())
    kind = site_kinds()[query["kind"]]
    if kind.sampling is None:
        return {"errors": {"kind": ["no sampling rule"]}}, 422
    if query.get("township"):
        township_or_abort(query["township"])
    townships = townships_in_scope(g.actor, query.get("township"))
    document = plan_document(kind, query["month"], townships)
    db.session.commit()  # a draw made now is kept
    return SamplingPlanSchema().dump(document)


@bp.post("/sampling-plan/adjust")
@allow("sampling.manage")
def adjust_sampling_plan():
    body = SamplingAdjustSchema().load(json_body())
    kind = site_kinds()[body["kind"]]
    site = registry.find_site(g.actor, body["site_code"])
    if site is None or site.kind != kind.key or kind.sampling is None:
        abort(404)
    plan.adjust(kind, body["month"], site, body["drawn"], g.actor)
    db.session.commit()
    document = plan_document(kind, body["month"], [site.village.township])
    return SamplingPlanSchema().dump(document)
