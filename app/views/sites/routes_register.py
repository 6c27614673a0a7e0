"""The registers: /sites (the kinds), /sites/<kind> (one register, filtered to the actor's
scope), adding, editing, closing and importing (a county admin), and /site/<code> (one site
with its inspections and problems)."""

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.access import may
from app.accounts.policy import allow, in_scope
from app.clock import county_today
from app.extensions import db
from app.geography.listings import villages_of
from app.i18n import current_lang
from app.models import Problem, SiteInspection, Village
from app.periods import month_of
from app.problems.categories import label
from app.sites import registry
from app.sites.importer import ImportRefused, import_register
from app.sites.kinds import kind_or_none, site_kinds
from app.views.sites.blueprint import bp


def _kind_or_404(key: str):
    kind = kind_or_none(key)
    if kind is None:
        abort(404)
    return kind


def _site_or_404(code: str):
    site = registry.find_site(g.actor, code)
    if site is None:
        abort(404)
    return site


@bp.get("/sites")
@allow("site.read")
def kinds_page():
    counts = {}
    for key in site_kinds():
        found = db.session.execute(registry.sites_query(g.actor, key)).scalars().all()
        counts[key] = (sum(s.status == "open" for s in found), len(found))
    return render_template(
        "sites/kinds.html",
        kinds=site_kinds(),
        counts=counts,
        lang=current_lang(),
        month=month_of(county_today()),
    )


@bp.get("/sites/<kind_key>")
@allow("site.read")
def register_page(kind_key: str):
    kind = _kind_or_404(kind_key)
    sites = db.session.execute(registry.sites_query(g.actor, kind.key)).scalars().all()
    return render_template("sites/register.html", kind=kind, sites=sites, lang=current_lang())


def _village_choices():
    return villages_of()


def _form_values(kind) -> tuple[dict, list[str]]:
    form = request.form
    attributes, problems = registry.clean_attributes(
        kind, {c.name: form.get(c.name, "") for c in kind.register}, current_lang()
    )
    values = {"code": form.get("code", "").strip(), "name": form.get("name", "").strip()}
    for key in ("lat", "lon"):
        text = form.get(key, "").strip()
        try:
            values[key] = float(text) if text else None
        except ValueError:
            problems.append(_("Latitude and longitude must be numbers"))
    if not values["name"] or len(values["name"]) > 100:
        problems.append(_("A name is required (at most 100 characters)"))
    return {**values, "attributes": attributes}, problems


def _village_from_form():
    code = request.form.get("village_code", "")
    village = db.session.execute(db.select(Village).where(Village.code == code)).scalar()
    if village is None or not in_scope(g.actor, village.township):
        return None
    return village


@bp.route("/sites/<kind_key>/new", methods=["GET", "POST"])
@allow("site.manage")
def new_site(kind_key: str):
    kind = _kind_or_404(kind_key)
    errors: list[str] = []
    if request.method == "POST":
        data, errors = _form_values(kind)
        village = _village_from_form()
        if village is None:
            errors.append(_("No such village in your scope"))
        if not registry.CODE.match(data["code"]):
            errors.append(_("The code: letters, digits, - and _, at most 32"))
        if not errors:
            try:
                site = registry.add_site(kind, data, village, g.actor)
            except registry.SiteRefused:
                errors.append(_("This code already exists"))
            else:
                db.session.commit()
                return redirect(url_for("sites.site_page", site_code=site.code))
    return render_template(
        "sites/edit.html",
        kind=kind,
        site=None,
        villages=_village_choices(),
        errors=errors,
        values=request.form,
        lang=current_lang(),
    )


@bp.post("/site/<site_code>/edit")
@allow("site.manage")
def edit_site(site_code: str):
    site = _site_or_404(site_code)
    kind = site_kinds()[site.kind]
    data, errors = _form_values(kind)
    village = _village_from_form()
    if village is None:
        errors.append(_("No such village in your scope"))
    if errors:
        for error in errors:
            flash(error)
    else:
        registry.edit_site(site, data, village, g.actor)
        db.session.commit()
        flash(_("Saved"))
    return redirect(url_for("sites.site_page", site_code=site.code))


@bp.post("/site/<site_code>/close")
@allow("site.manage")
def close_site(site_code: str):
    site = _site_or_404(site_code)
    reason = request.form.get("reason", "").strip()[:500]
    try:
        on = date.fromisoformat(request.form.get("closed_on", ""))
    except ValueError:
        on = None
    if site.status == "closed":
        registry.reopen_site(site, g.actor)
        db.session.commit()
    elif not reason or on is None or on > county_today():
        flash(_("Closing needs a date (not in the future) and a reason"))
    else:
        registry.close_site(site, on, reason, g.actor)
        db.session.commit()
    return redirect(url_for("sites.site_page", site_code=site.code))


@bp.post("/sites/<kind_key>/import")
@allow("site.manage")
def import_sites(kind_key: str):
    kind = _kind_or_404(kind_key)
    upload = request.files.get("file")
    lang = current_lang()
    errors = []
    result = None
    if upload is None or not upload.filename:
        errors = [{"row": None, "message": _("Choose a file")}]
    else:
        try:
            result = import_register(kind, upload.read(), upload.filename, g.actor, lang)
            errors = result.errors
        except ImportRefused as refused:
            errors = [{"row": None, "message": refused.message}]
    if errors:
        db.session.rollback()
    else:
        db.session.commit()
    sites = db.session.execute(registry.sites_query(g.actor, kind.key)).scalars().all()
    return render_template(
        "sites/register.html",
        kind=kind,
        sites=sites,
        lang=lang,
        result=result,
        import_errors=errors,
    ), (422 if errors else 200)


@bp.get("/site/<site_code>")
@allow("site.read")
def site_page(site_code: str):
    site = _site_or_404(site_code)
    kind = site_kinds()[site.kind]
    visits = db.session.execute(
        db.select(SiteInspection)
        .where(SiteInspection.site_id == site.id)
        .order_by(SiteInspection.inspected_on.desc(), SiteInspection.id.desc())
    ).scalars()
    problems = db.session.execute(
        db.select(Problem).where(Problem.site_id == site.id).order_by(Problem.id.desc())
    ).scalars()
    return render_template(
        "sites/site.html",
        site=site,
        kind=kind,
        visits=list(visits),
        problems=list(problems),
        villages=_village_choices() if may("site.manage") else [],
        label=label,
        lang=current_lang(),
        today=county_today(),
    )
