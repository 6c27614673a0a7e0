"""Managing people: add, change role or township, deactivate, reset a password; and ending a
person's sessions and tokens when one of those (or a sign-out, or a password change) happens.

A county needs to run its own accounts without a shell on the server, so the web pages
(app/views/people) and the CLI (app/cli.py) call these same functions; every change is audited.
Who may manage whom: an admin without a county manages everyone; an admin of a county manages
the people of that county (its townships' inspectors and leads, its own admins and viewers) and
can neither create nor move anyone outside it, nor create an admin without a county. `actor`
None is the CLI (a shell on the server is the whole deployment).

Sessions end at once because each carries the person's `session_version` (app/accounts/auth.py
load_user); raising it refuses every cookie issued before. A reset or a new account's password
is a one-time password: `must_change_password` sends every page to the change-password page and
refuses the API (`guard_first_password`) until the person chooses their own.
"""

import re
import secrets

from flask import Flask, g, jsonify, redirect, request, url_for
from flask_login import login_user

from app.accounts.audit import record
from app.accounts.auth import revoke_tokens
from app.accounts.policy import PROVINCE_SCOPE as PROVINCE
from app.accounts.policy import scope_of
from app.extensions import db
from app.i18n import current_lang
from app.models import County, Township, User
from app.models.users import ROLES, TOWNSHIP_ROLES

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
# A person's name as shown on pages: up to the column's 64 characters, none of them a control or
# a bidirectional override (U+202E would turn the names after it around on every list).
DISPLAY_NAME = re.compile(r"^[^\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]{1,64}$")
# What a person with a one-time password may still open: the page to change it, sign-out, and
# what those pages need.
FIRST_PASSWORD_ENDPOINTS = frozenset({"web.change_password", "web.logout", "web.login", "static"})
MESSAGES = {
    "username": {
        "zh": "用户名为 2–64 个字母、数字或 _ . -",
        "en": "A username is 2–64 letters, digits or _ . -",
    },
    "display_name": {
        "zh": "姓名最多 64 个字符，不含控制字符",
        "en": "A name is at most 64 characters, without control characters",
    },
    "exists": {"zh": "此用户名已被使用", "en": "This username is taken"},
    "role": {"zh": "没有这个角色", "en": "No such role"},
    "township": {"zh": "乡镇角色须选择本县的一个乡镇", "en": "A township role needs a township"},
    "county": {"zh": "不能超出本县的范围", "en": "Not outside your county"},
    "self": {"zh": "不能更改或停用自己的账号", "en": "You cannot change or deactivate yourself"},
    "must_change": {
        "zh": "请先在网页上修改一次性密码，再使用 API",
        "en": "Change your one-time password on the web first",
    },
}


class PeopleError(ValueError):
    def __init__(self, key: str):
        super().__init__(MESSAGES[key]["en"])
        self.key = key

    def message(self, lang: str) -> str:
        return MESSAGES[self.key][lang]


def end_sessions(user: User) -> None:
    """Every session cookie of `user` stops working at their next request. The caller
    commits."""
    user.session_version = (user.session_version or 1) + 1


def keep_this_session(user: User) -> None:
    """After ending `user`'s sessions from their own browser: this one goes on (with the new
    version in its cookie), the copies do not."""
    login_user(user)


def one_time_password() -> str:
    """16 random characters (96 bits), shown once to the admin, changed at first sign-in."""
    return secrets.token_urlsafe(12)


def county_of(user: User) -> int | None:
    """The county a person belongs to: their township's, or their own (None: everywhere)."""
    if user.role in TOWNSHIP_ROLES:
        return user.township.county_id if user.township is not None else None
    return user.county_id


def may_manage(actor: User | None, user: User) -> bool:
    scope = PROVINCE if actor is None else scope_of(actor)
    if scope.level == "province":
        return True
    return scope.level == "county" and county_of(user) == scope.id


def managed_people(actor: User | None) -> list[User]:
    """The people `actor` manages, ordered for the list."""
    return db.session.scalars(manageable(actor)).all()


def managed_person(actor: User | None, user_id: int) -> User | None:
    """The person `user_id` if `actor` manages them; None for one missing or not theirs."""
    user = db.session.get(User, user_id)
    return user if user is not None and may_manage(actor, user) else None


def manageable(actor: User | None):
    """The people `actor` manages, as a select ordered for the list."""
    statement = db.select(User).outerjoin(Township, User.township_id == Township.id)
    scope = PROVINCE if actor is None else scope_of(actor)
    if scope.level == "county":
        statement = statement.where(
            db.or_(Township.county_id == scope.id, User.county_id == scope.id)
        )
    elif scope.level == "township":
        statement = statement.where(db.false())
    return statement.order_by(User.active.desc(), Township.code, User.role, User.username)


def _placement(actor, role: str, township: Township | None, county: County | None):
    """Check a role with its township or county against the actor's reach; returns the
    (township, county) to store."""
    if role not in ROLES:
        raise PeopleError("role")
    if role in TOWNSHIP_ROLES:
        if township is None:
            raise PeopleError("township")
        county = None
    else:
        township = None
    scope = PROVINCE if actor is None else scope_of(actor)
    if scope.level != "province":
        unit_county = township.county_id if township is not None else None
        if role not in TOWNSHIP_ROLES:
            # A county's admin gives county roles their own county, never the deployment.
            if county is not None and county.id != scope.id:
                raise PeopleError("county")
            county = db.session.get(County, scope.id)
        elif unit_county != scope.id:
            raise PeopleError("county")
    return township, county


def create_person(actor, username, role, township=None, county=None, display_name=None):
    """A new person with a one-time password; returns (user, password). The caller commits."""
    if not USERNAME.fullmatch(username or ""):
        raise PeopleError("username")
    if display_name and not DISPLAY_NAME.fullmatch(display_name):
        raise PeopleError("display_name")
    if db.session.execute(db.select(User.id).where(User.username == username)).first():
        raise PeopleError("exists")
    township, county = _placement(actor, role, township, county)
    user = User(username=username, role=role, township=township, county=county)
    user.display_name = display_name or None
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    db.session.add(user)
    _audit("user.create", user, actor, role=role, **_where(township, county))
    return user, password


def change_person(actor, user: User, role, township=None, county=None) -> bool:
    """Change a role or township (or county); the person's sessions and API tokens end. False
    if nothing changed. The caller commits."""
    _not_self(actor, user)
    township, county = _placement(actor, role, township, county)
    before = {"role": user.role, **_where(user.township, user.county)}
    after = {"role": role, **_where(township, county)}
    if before == after:
        return False
    user.role, user.township, user.county = role, township, county
    end_sessions(user)
    # A token carries no scope of its own: it acts as the person now is, so one issued for the
    # old township would write into the new one from a phone the person may have handed on.
    revoked = revoke_tokens(user, None)
    _audit("user.change", user, actor, before=before, after=after, tokens_revoked=revoked)
    return True


def deactivate(actor, user: User) -> int:
    """The person can no longer sign in; their sessions and tokens end now. Returns the number
    of tokens revoked. The caller commits."""
    _not_self(actor, user)
    user.active = False
    end_sessions(user)
    revoked = revoke_tokens(user, None)
    _audit("user.deactivate", user, actor, tokens_revoked=revoked)
    return revoked


def reset_password(actor, user: User) -> str:
    """A new one-time password (returned, shown once); sessions and tokens end. The caller
    commits."""
    _not_self(actor, user)
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    end_sessions(user)
    revoked = revoke_tokens(user, None)
    _audit("user.password_reset", user, actor, tokens_revoked=revoked)
    return password


def _not_self(actor, user: User) -> None:
    # An admin locking themselves out (or changing their own reach) needs another admin.
    if actor is not None and actor.id == user.id:
        raise PeopleError("self")


def _where(township, county) -> dict:
    return {
        "township": township.code if township is not None else None,
        "county": county.code if county is not None else None,
    }


def _audit(action, user, actor, **details):
    if actor is None:
        record(action, user, actor_name="cli", **details)
    else:
        record(action, user, actor=actor, **details)


def init_app(app: Flask) -> None:
    app.before_request(guard_first_password)


def guard_first_password():
    """Until a one-time password is changed: pages lead to the change-password page, the API
    answers 403 with a message saying so."""
    actor = g.get("actor")
    if actor is None or not actor.must_change_password:
        return None
    if request.path.startswith("/api/"):
        # the API's error shape (app/views/api/errors.py), built here so accounts never import views
        message = MESSAGES["must_change"][current_lang()]
        return jsonify({"error": {"code": "password_change_required", "message": message}}), 403
    if request.endpoint in FIRST_PASSWORD_ENDPOINTS:
        return None
    return redirect(url_for("web.change_password"))
