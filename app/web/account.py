"""/account/password: a signed-in person changes their own password (ASVS 2.1.5), proving the
current one first. The new one must pass the password rules; every API token of the account is
revoked, so a phone signed in with the old password must sign in again.

The current-password check is a password guess like a sign-in (a stolen session could try them):
it shares the sign-in throttle (app/accounts/throttle.py) and every wrong one is audited."""

from flask import g, render_template
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from app.accounts.audit import record
from app.accounts.auth import revoke_tokens
from app.accounts.passwords import MAX_LENGTH, MESSAGES, password_problems
from app.accounts.policy import allow
from app.accounts.throttle import is_throttled, note_failure
from app.client_address import client_address
from app.extensions import db
from app.i18n import current_lang
from app.throttle_audit import note_refusal
from app.views.web import bp


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
        else:
            errors = [
                MESSAGES[p][current_lang()] for p in password_problems(form.new.data, user.username)
            ]
        if not errors:
            user.set_password(form.new.data)
            revoked = revoke_tokens(user, None)
            record("user.password_change", user, tokens_revoked=revoked)
            db.session.commit()
            done = True
    elif form.errors:
        errors.append(_("Fill in every field"))
    status = 422 if errors else 200
    return render_template("web/password.html", form=form, errors=errors, done=done), status
