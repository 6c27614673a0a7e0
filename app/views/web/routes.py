"""Sign-in and the home page."""

from urllib.parse import urlsplit

from flask import g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.accounts.audit import record
from app.accounts.auth import Throttled, attempt_login
from app.accounts.people import end_sessions
from app.accounts.policy import allow
from app.extensions import db
from app.views.web.blueprint import bp


class LoginForm(FlaskForm):
    username = StringField(validators=[DataRequired(), Length(max=64)])
    password = PasswordField(validators=[DataRequired(), Length(max=256)])


@bp.get("/healthz")
@allow("public")
def health():
    return {"status": "ok"}


@bp.get("/favicon.ico")
@allow("public")
def favicon():
    # Asked for by browsers on pages that name no icon (a PDF, a JSON answer): never a 404.
    return redirect(url_for("static", filename="img/favicon.svg"), code=301)


@bp.route("/login", methods=["GET", "POST"])
@allow("public")
def login():
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            user = attempt_login(form.username.data, form.password.data, via="web")
        except Throttled:
            user, error, status = None, _("Too many failed sign-ins; try again in a minute"), 429
        else:
            if user is not None:
                session.clear()  # a fresh session on sign-in: no fixation
                login_user(user)
                return redirect(_safe_next(request.args.get("next")) or url_for("web.home"))
            error, status = _("Wrong username or password"), 401
    elif form.errors:
        status = 422
    return render_template("web/login.html", form=form, error=error), status


@bp.post("/logout")
@allow("account")
def logout():
    # Every session of the person ends, not just this cookie: a copy of it is refused too.
    end_sessions(g.actor)
    record("auth.logout", g.actor)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("web.login"))


@bp.get("/")
@allow("account")
def home():
    if g.actor.role == "inspector":
        return redirect(url_for("inspect.choose_village"))
    return render_template("web/home.html")


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: `//evil.example`, `/\\evil.example` (browsers read `\\` as `/`)
    and absolute URLs are dropped."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
