"""/account/password: a signed-in person changes their own password (ASVS 2.1.5), proving the
current one first. The new one must pass the password rules; every API token of the account is
revoked and every other session ends, so a phone or a copied cookie of the old password must
sign in again. A one-time password (app/accounts/people.py) is changed here too.

The current-password check is a password guess like a sign-in (a stolen session could try them):
it shares the sign-in throttle (app/accounts/throttle.py) and every wrong one is audited."""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from app.accounts.audit import record
from app.accounts.auth import revoke_tokens
from app.accounts.client_address import client_address
from app.accounts.passwords import MAX_LENGTH, MESSAGES, password_problems
from app.accounts.people import end_sessions, keep_this_session
from app.accounts.policy import allow
from app.accounts.throttle import is_throttled, note_failure
from app.accounts.throttle_audit import note_refusal
from app.extensions import db
from app.i18n import current_lang
from app.views.web.blueprint import bp


class PasswordForm(FlaskForm):
    current = PasswordField(validators=[DataRequired(), Length(max=MAX_LENGTH)])
    new = PasswordField(validators=[DataRequired(), Length(max=MAX_LENGTH * 4)])
    confirm = PasswordField(validators=[DataRequired(), Length(max=MAX_LENGTH * 4)])


@bp.route("/account/password", methods=["GET", "POST"])
@allow("account")
def change_password():
    form, errors, done = PasswordForm(), [], False
    if form.validate_on_submit():
        user = g.actor
        address = client_address() or "-"
        if is_throttled(user.username, address):  # the account's count, or the address's
            note_refusal(user.username, address, "password_change")
            db.session.commit()
            errors.append(_("Too many failed sign-ins; try again in a minute"))
            return render_template("web/password.html", form=form, errors=errors), 429
        if not user.check_password(form.current.data):
            note_failure(user.username, address)
            record("auth.password_check_failed", user)
            db.session.commit()
            errors.append(_("The current password is wrong"))
        elif form.new.data != form.confirm.data:
            errors.append(_("The two new passwords differ"))
        elif form.new.data == form.current.data:
            # A one-time password "changed" to itself would clear the forced change.
            errors.append(_("The new password must differ from the current one"))
        else:
            errors = [
                MESSAGES[p][current_lang()] for p in password_problems(form.new.data, user.username)
            ]
        if not errors:
            forced = user.must_change_password
            user.set_password(form.new.data)
            user.must_change_password = False
            revoked = revoke_tokens(user, None)
            end_sessions(user)  # a copied cookie of the old password's sessions stops here
            record("user.password_change", user, tokens_revoked=revoked)
            db.session.commit()
            keep_this_session(user)
            done = True
            if forced:  # the first sign-in's change: on to the role's home, not a dead end
                flash(_("Your password was changed. Phones must sign in again."))
                return redirect(url_for("web.home"), code=303)
    elif form.errors:
        errors.append(_("Fill in every field"))
    status = 422 if errors else 200
    return render_template("web/password.html", form=form, errors=errors, done=done), status
