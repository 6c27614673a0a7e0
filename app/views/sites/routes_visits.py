"""A site inspection recorded from a simple page form (online; the JSON API takes the phone's
offline queue), its review by the township lead, and the month's sampling plan with a county
admin's adjustments."""

import uuid
from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from app.accounts.policy import allow
from app.clock import county_today
from app.extensions import db
from app.i18n import current_lang
from app.inspections.review import OwnInspection, TransitionRefused
from app.periods import month_of, parse_month
from app.sites import plan, registry, visits
from app.sites.answers import check_answers
from app.sites.documents import plan_document, townships_in_scope
from app.sites.kinds import kind_or_none, site_kinds
from app.views.sites.blueprint import bp


def _form_answers(kind) -> dict:
    """The form's inputs as the API would take them: blanks dropped, yes/no as booleans."""
    out = {}
    for field in kind.form.fields:
        text = request.form.get(field.key, "").strip()
        if text == "":
            continue
        if field.type.name == "boolean" and text in ("yes", "no"):
            out[field.key] = text == "yes"
        else:
            out[field.key] = text  # the form's schema types and checks it
    return out


@bp.route("/site/<site_code>/inspect", methods=["GET", "POST"])
@allow("site_inspection.create")
def inspect_site(site_code: str):
    site = registry.find_site(g.actor, site_code)
    if site is None:
        abort(404)
    kind = site_kinds()[site.kind]
    errors: dict = {}
    today = county_today()
    if request.method == "POST":
        try:
            on = parse_date(request.form.get("inspected_on", ""), today)
            answers = check_answers(kind, _form_answers(kind), current_lang())
            data = {
                "client_uuid": request.form.get("client_uuid") or str(uuid.uuid4()),
                "site_code": site.code,
                "inspected_on": on,
                "answers": answers,
            }
            visit, _created = visits.record_visit(data, g.actor, today)
        except ValidationError as error:
            errors = error.messages
        except registry.SiteRefused:
            errors = {"site_code": [_("This site is closed or not in your township")]}
        except visits.VisitConflict:
            errors = {"client_uuid": [_("This inspection ID was already used")]}
        else:
            db.session.commit()
            flash(_("Saved"))
            return redirect(url_for("sites.site_page", site_code=site.code))
    return render_template(
        "sites/inspect.html",
        site=site,
        kind=kind,
        errors=errors,
        values=request.form,
        client_uuid=str(uuid.uuid4()),
        today=today,
        lang=current_lang(),
    ), (422 if errors else 200)


def parse_date(text: str, today):
    try:
        on = date.fromisoformat(text)
    except ValueError:
        raise ValidationError({"inspected_on": [_("Give the date of the inspection")]}) from None
    if not date(2020, 1, 1) <= on <= today:
        raise ValidationError({"inspected_on": [_("The date cannot be after today")]})
    return on


@bp.post("/site-inspection/<int:visit_id>/review")
@allow("site_inspection.review")
def review_visit(visit_id: int):
    visit = visits.find_visit(g.actor, visit_id)
    if visit is None:
        abort(404)
    action = request.form.get("action", "")
    comment = request.form.get("comment", "").strip()[:2000]
    if action not in ("approve", "return") or (action == "return" and not comment):
        flash(_("Returning needs a comment"))
    else:
        try:
            seen = int(request.form.get("seen_revision", "0")) or None
            visits.review_visit(visit, action, g.actor, comment, seen)
            db.session.commit()
        except OwnInspection:
            flash(_("Nobody reviews their own inspection"))
        except (TransitionRefused, visits.StaleBase, ValueError):
            db.session.rollback()
            flash(_("Changed since you saw it, or not possible in its status"))
    return redirect(url_for("sites.site_page", site_code=visit.site.code))


def _month_arg() -> str:
    month = request.args.get("month") or month_of(county_today())
    try:
        parse_month(month)
    except ValueError:
        abort(404)
    return month


@bp.get("/sampling/<kind_key>")
@allow("sampling.read")
def sampling_page(kind_key: str):
    kind = kind_or_none(kind_key)
    if kind is None or kind.sampling is None:
        abort(404)
    month = _month_arg()
    document = plan_document(kind, month, townships_in_scope(g.actor))
    db.session.commit()  # a draw made now is kept
    return render_template("sites/sampling.html", kind=kind, plan=document, lang=current_lang())


@bp.post("/sampling/<kind_key>/adjust")
@allow("sampling.manage")
def adjust_sampling(kind_key: str):
    kind = kind_or_none(kind_key)
    site = registry.find_site(g.actor, request.form.get("site_code", ""))
    month = request.form.get("month", "")
    if kind is None or kind.sampling is None or site is None or site.kind != kind.key:
        abort(404)
    try:
        parse_month(month)
    except ValueError:
        abort(404)
    plan.adjust(kind, month, site, request.form.get("drawn") == "yes", g.actor)
    db.session.commit()
    return redirect(url_for("sites.sampling_page", kind_key=kind.key, month=month))
