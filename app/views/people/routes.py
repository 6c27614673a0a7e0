"""The people pages. Every route declares `people.manage`; which people an admin reaches is
app/accounts/people.py's `may_manage` (another county's person answers 404: not theirs to know). A
one-time password is shown in the answer to the POST that made it, never stored or redirected
to, and the page is marked no-store."""

from flask import abort, flash, g, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.accounts.people import (
    PeopleError,
    change_person,
    create_person,
    deactivate,
    managed_people,
    managed_person,
    reset_password,
)
from app.accounts.placements import placement_options, placement_rows
from app.accounts.policy import allow, scope_of
from app.clock import county_time
from app.extensions import db
from app.i18n import current_lang
from app.models import User
from app.views.people.blueprint import bp

ROLE_LABELS = {
    "inspector": _l("Inspector"),
    "township_lead": _l("Township lead"),
    "county_admin": _l("County admin"),
    "viewer": _l("Viewer"),
}


class PlacementForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLE_LABELS])
    township = SelectField(_l("Township (inspectors and leads)"), validate_choice=True)
    county = SelectField(_l("County (admins and viewers)"), validate_choice=True)


class PersonForm(PlacementForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("Full name"), validators=[Length(max=64)])


class ActionForm(FlaskForm):
    """Deactivate or reset: nothing to fill in but the CSRF token."""


def _choices(form: PlacementForm) -> None:
    """Townships and counties the actor reaches; a county admin's county is fixed."""
    scope = scope_of(g.actor)
    townships, counties = placement_options(g.actor)
    form.township.choices = [SelectChoice("", "—")] + [
        SelectChoice(t.code, f"{t.name} ({t.code})") for t in townships
    ]
    if scope.level == "county":
        # "—" (a township role has no county of its own) or their own county, which
        # app/accounts/people.py gives any admin or viewer they add
        form.county.choices = [SelectChoice("", "—")] + [
            SelectChoice(c.code, c.name) for c in counties
        ]
    else:
        form.county.choices = [SelectChoice("", _("Whole deployment"))] + [
            SelectChoice(c.code, c.name) for c in counties
        ]


def _placement(form: PlacementForm):
    return form.role.data, *placement_rows(form.township.data, form.county.data)


def _person_or_404(user_id: int) -> User:
    user = managed_person(g.actor, user_id)
    if user is None:
        abort(404)
    return user


def _one_time_password_page(user: User, password: str, created: bool):
    response = make_response(
        render_template("people/password.html", person=user, password=password, created=created)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/admin/people")
@allow("people.manage")
def list_people():
    people = managed_people(g.actor)
    return render_template(
        "people/list.html", people=people, roles=ROLE_LABELS, county_time=county_time
    )


@bp.route("/admin/people/new", methods=["GET", "POST"])
@allow("people.manage")
def add_person():
    form = PersonForm()
    _choices(form)
    error = None
    if form.validate_on_submit():
        try:
            user, password = create_person(
                g.actor, form.username.data.strip(), *_placement(form), form.display_name.data
            )
        except PeopleError as exc:
            db.session.rollback()
            error = exc.message(current_lang())
        else:
            db.session.commit()
            return _one_time_password_page(user, password, created=True)
    status = 422 if error or form.errors else 200
    return render_template("people/new.html", form=form, error=error), status


@bp.route("/admin/people/<int:user_id>", methods=["GET", "POST"])
@allow("people.manage")
def edit_person(user_id: int):
    user = _person_or_404(user_id)
    form = PlacementForm(
        data={
            "role": user.role,
            "township": user.township.code if user.township else "",
            "county": user.county.code if user.county else "",
        }
    )
    _choices(form)
    error = None
    if form.validate_on_submit():
        try:
            changed = change_person(g.actor, user, *_placement(form))
        except PeopleError as exc:
            db.session.rollback()
            error = exc.message(current_lang())
        else:
            db.session.commit()
            flash(
                _("Saved: %(user)s signs in again", user=user.username)
                if changed
                else _("No change")
            )
            return redirect(url_for("people.list_people"))
    status = 422 if error or form.errors else 200
    return render_template(
        "people/edit.html",
        form=form,
        person=user,
        error=error,
        action=ActionForm(),
    ), status


@bp.post("/admin/people/<int:user_id>/deactivate")
@allow("people.manage")
def deactivate_person(user_id: int):
    user = _person_or_404(user_id)
    try:
        deactivate(g.actor, user)
    except PeopleError as exc:
        flash(exc.message(current_lang()))
        return redirect(url_for("people.edit_person", user_id=user.id))
    db.session.commit()
    flash(_("%(user)s was deactivated: their sessions and tokens have ended", user=user.username))
    return redirect(url_for("people.list_people"))


@bp.post("/admin/people/<int:user_id>/reset-password")
@allow("people.manage")
def reset_person_password(user_id: int):
    user = _person_or_404(user_id)
    try:
        password = reset_password(g.actor, user)
    except PeopleError as exc:
        flash(exc.message(current_lang()))
        return redirect(url_for("people.edit_person", user_id=user.id))
    db.session.commit()
    return _one_time_password_page(user, password, created=False)
