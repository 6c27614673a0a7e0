"""The sites API (issue 23): /api/v1/site-kinds, /sites (list, add, edit or close, import),
and /site-inspections (record once per client uuid, read, correct on a base revision, review);
the sampling plan is routes_sampling.py.

Refusals: 401 without a token; 403 for a role the policy does not allow; 404 for a site or
inspection that is missing or outside the caller's scope; 409 for a stale base revision, a
status that forbids the step or a reused uuid; 422 for bad input, a closed site or a site
outside the inspector's township (with the reason).
"""

from flask import abort, g, request
from marshmallow import ValidationError

from app.accounts.access import township_or_abort
from app.accounts.policy import allow, in_scope
from app.clock import county_today
from app.extensions import db
from app.i18n import current_lang
from app.inspections.review import OwnInspection, TransitionRefused
from app.models import Village
from app.sites import intake, registry, visits
from app.sites.documents import site_document, visit_document
from app.sites.importer import ImportRefused, import_register
from app.sites.kinds import kind_or_none, site_kinds
from app.views.api.blueprint import bp
from app.views.api.body import json_body, query_args
from app.views.api.errors import error_response
from app.views.api.schemas_sites import (
    ImportResultSchema,
    KindQuerySchema,
    SiteInputSchema,
    SiteInspectionInputSchema,
    SiteInspectionSchema,
    SiteKindListSchema,
    SiteListSchema,
    SiteQuerySchema,
    SiteReviewSchema,
    SiteSchema,
)

MESSAGES = {
    "duplicate": {"zh": "编号“{code}”已存在", "en": "Code {code} already exists"},
    "closed": {"zh": "场所“{code}”已关闭（停业/拆除），不能检查", "en": "Site {code} is closed"},
    "not_yours": {
        "zh": "场所“{code}”不存在或不在您的乡镇",
        "en": "Site {code} does not exist or is not in your township",
    },
    "village": {"zh": "没有这个村或不在您的范围", "en": "No such village in your scope"},
    "kind_needed": {"zh": "新增场所须给出编号和类型", "en": "A new site needs a code and a kind"},
    "conflict": {
        "zh": "此检查编号已用于不同的内容",
        "en": "This inspection ID was already used for different content",
    },
    "stale": {
        "zh": "检查已被他人修改（当前为第 {current} 版），请刷新后再改",
        "en": "Changed since you saw it (revision {current} is current): reload and edit again",
    },
    "step": {"zh": "当前状态不能执行此操作", "en": "Not possible in the current status"},
    "own": {"zh": "不能审核自己的检查", "en": "Nobody reviews their own inspection"},
    "date": {
        "zh": "检查日期须在 2020-01-01 至今天（{today}）之间",
        "en": "The inspection date must be from 2020-01-01 to today ({today})",
    },
    "no_file": {"zh": "请上传文件（字段 file）", "en": "Upload the file (field file)"},
}


def _say(key: str, **values) -> str:
    return MESSAGES[key][current_lang()].format(**values)


def _refused(error: registry.SiteRefused, field: str = "site_code"):
    return {"errors": {field: [_say(error.key, **error.values)]}}, 422


@bp.get("/site-kinds")
@allow("site.kinds")
def list_site_kinds():
    kinds = [
        {
            "key": k.key,
            "label": k.label,
            "register": [
                {"name": c.name, "type": c.type, "label": c.label, "required": c.required}
                for c in k.register
            ],
            "form": {
                "version": k.form.version,
                "fields": [
                    {"name": f.key, "type": f.type.name, "label": f.label, "required": f.required}
                    for f in k.form.fields
                ],
            },
            "sampling": None
            if k.sampling is None
            else {"every": k.sampling.every, "share": k.sampling.share},
            "indicators": list(k.indicators),
        }
        for k in site_kinds().values()
    ]
    return SiteKindListSchema().dump({"kinds": kinds})


@bp.get("/sites")
@allow("site.read")
def list_sites():
    query = SiteQuerySchema().load(query_args())
    township = township_or_abort(query["township"]) if query.get("township") else None
    statement = registry.sites_query(g.actor, query.get("kind"), township.id if township else None)
    found = db.session.execute(statement).scalars()
    if query.get("status"):
        found = [s for s in found if s.status == query["status"]]
    return SiteListSchema().dump({"sites": [site_document(s) for s in found]})


def _village(code: str):
    village = db.session.execute(db.select(Village).where(Village.code == code)).scalar()
    if village is None or not in_scope(g.actor, village.township):
        return None
    return village


def _site_data(kind, body: dict):
    """(data, None) or (None, an error answer)."""
    attributes, problems = registry.clean_attributes(
        kind, body.get("attributes") or {}, current_lang()
    )
    if problems:
        return None, ({"errors": {"attributes": problems}}, 422)
    data = {k: body.get(k) for k in ("code", "name", "lat", "lon")}
    return {**data, "attributes": attributes}, None


@bp.post("/sites")
@allow("site.manage")
def add_site():
    body = SiteInputSchema().load(json_body())
    kind = kind_or_none(body.get("kind"))
    if kind is None or not body.get("code"):
        return {"errors": {"code": [_say("kind_needed")]}}, 422
    village = _village(body["village_code"])
    if village is None:
        return {"errors": {"village_code": [_say("village")]}}, 422
    data, refusal = _site_data(kind, body)
    if refusal:
        return refusal
    try:
        site = registry.add_site(kind, data, village, g.actor)
    except registry.SiteRefused as error:
        return error_response(409, _say(error.key, **error.values), code="conflict")
    db.session.commit()
    return SiteSchema().dump(site_document(site)), 201


@bp.put("/sites/<site_code>")
@allow("site.manage")
def edit_site(site_code: str):
    code = site_code
    site = registry.find_site(g.actor, code)
    if site is None:
        abort(404)
    body = SiteInputSchema().load(json_body())
    if body.get("kind", site.kind) != site.kind or body.get("code", code) != code:
        return {"errors": {"code": [_say("kind_needed")]}}, 422
    village = _village(body["village_code"])
    if village is None:
        return {"errors": {"village_code": [_say("village")]}}, 422
    data, refusal = _site_data(site_kinds()[site.kind], {**body, "code": code})
    if refusal:
        return refusal
    registry.edit_site(site, data, village, g.actor)
    if body.get("status") == "closed" and site.status == "open":
        registry.close_site(site, body["closed_on"], body["closed_reason"], g.actor)
    elif body.get("status") == "open":
        registry.reopen_site(site, g.actor)
    db.session.commit()
    return SiteSchema().dump(site_document(site))


@bp.post("/sites/import")
@allow("site.manage")
def import_sites():
    kind = site_kinds()[KindQuerySchema().load(query_args())["kind"]]
    upload = request.files.get("file")
    if upload is None:
        return {"errors": {"file": [_say("no_file")]}}, 422
    lang = current_lang()
    try:
        result = import_register(kind, upload.read(), upload.filename or "", g.actor, lang)
    except ImportRefused as refused:
        db.session.rollback()
        return ImportResultSchema().dump(
            {
                "created": 0,
                "updated": 0,
                "unchanged": 0,
                "errors": [{"row": None, "message": refused.message}],
            }
        ), 422
    if result.errors:
        db.session.rollback()
        return ImportResultSchema().dump({**result.__dict__, "created": 0, "updated": 0}), 422
    db.session.commit()
    return ImportResultSchema().dump(result.__dict__)


def _visit_input():
    """The body, checked as the rescue file's site entries are (app/sites/intake.py)."""
    body = SiteInspectionInputSchema().load(json_body())
    try:
        return intake.checked_visit(body, g.actor, county_today(), current_lang())
    except intake.DateOutOfRange as late:
        message = _say("date", today=late.today.isoformat())
        raise ValidationError({"inspected_on": [message]}) from None


@bp.post("/site-inspections")
@allow("site_inspection.create")
def record_site_inspection():
    try:
        body = _visit_input()
        visit, created = visits.record_visit(body, g.actor, county_today())
    except registry.SiteRefused as error:
        return _refused(error)
    except visits.VisitConflict:
        return error_response(409, _say("conflict"), code="conflict")
    db.session.commit()
    return SiteInspectionSchema().dump(visit_document(visit)), 201 if created else 200


def _found(visit_id: int):
    visit = visits.find_visit(g.actor, visit_id)
    if visit is None:
        abort(404)
    return visit


@bp.get("/site-inspections/<int:visit_id>")
@allow("site_inspection.read")
def get_site_inspection(visit_id: int):
    return SiteInspectionSchema().dump(visit_document(_found(visit_id)))


@bp.put("/site-inspections/<int:visit_id>")
@allow("site_inspection.edit")
def edit_site_inspection(visit_id: int):
    visit = _found(visit_id)
    try:
        body = _visit_input()
        if "base_revision" not in body:
            return {"errors": {"base_revision": ["required"]}}, 422
        visits.edit_visit(visit, body, body["base_revision"], g.actor, county_today())
    except registry.SiteRefused as error:
        return _refused(error)
    except visits.NotYours:
        abort(403)
    except visits.StaleBase as stale:
        return error_response(409, _say("stale", current=stale.current), code="stale_revision")
    except visits.VisitConflict:
        return error_response(409, _say("conflict"), code="conflict")
    except TransitionRefused:
        return error_response(409, _say("step"), code="status")
    db.session.commit()
    return SiteInspectionSchema().dump(visit_document(visit))


@bp.post("/site-inspections/<int:visit_id>/review")
@allow("site_inspection.review")
def review_site_inspection(visit_id: int):
    visit = _found(visit_id)
    body = SiteReviewSchema().load(json_body())
    if body["action"] == "reopen" and g.actor.role != "county_admin":
        abort(403)
    try:
        visits.review_visit(visit, body["action"], g.actor, body["comment"], body["seen_revision"])
    except OwnInspection:
        return error_response(403, _say("own"), code="own_inspection")
    except visits.StaleBase as stale:
        return error_response(409, _say("stale", current=stale.current), code="stale_revision")
    except TransitionRefused:
        return error_response(409, _say("step"), code="status")
    db.session.commit()
    return SiteInspectionSchema().dump(visit_document(visit))
