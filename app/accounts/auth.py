"""Who is asking: a signed-in browser session (Flask-Login) or an API bearer token.

`g.actor` is set once per request from either, and the policy decorator reads only that. Tokens
are random, stored as SHA-256, expire, and can be revoked.

`attempt_login` is the one way in for both the sign-in page and the token endpoint: it applies
the database-backed throttle (app/accounts/throttle.py) and audits every success, failure and
refusal.
"""

import secrets
from datetime import UTC, timedelta
from functools import cache
from typing import NamedTuple

from flask import Flask, current_app, g, request
from flask_login import current_user
from sqlalchemy import bindparam
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.audit import record
from app.accounts.client_address import client_address
from app.accounts.throttle import forget_old_failures, is_throttled, note_failure
from app.accounts.throttle_audit import ANY_ACCOUNT, close_past_windows, note_refusal
from app.clock import utc_now
from app.db import reads_before_writes
from app.extensions import db, login_manager
from app.models import ApiToken, User


class Throttled(Exception):
    pass


def init_app(app: Flask) -> None:
    login_manager.login_view = "web.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str):
        # "id:version" (User.get_id). A user deactivated after signing in, or a session from
        # before a sign-out, password change or role change (an older version), is refused at
        # the next request: a copied cookie stops working at once.
        user_id, _sep, version = session_id.partition(":")
        if not (user_id.isdigit() and version.isdigit()):
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or user.session_version != int(version):
            return None
        return user

    @app.before_request
    def identify_actor():
        g.actor = None
        g.via_token = False
        g.token_row = None
        header = request.headers.get("Authorization", "")
        with reads_before_writes():
            if header.startswith("Bearer ") and request.path.startswith("/api/"):
                g.token_row = token_row(header[len("Bearer ") :].strip())
                g.actor = g.token_row.user if g.token_row is not None else None
                g.via_token = g.actor is not None
                g.bad_token = g.actor is None
            elif current_user.is_authenticated and current_user.active:
                # A user deactivated after signing in loses access at the next request.
                g.actor = current_user._get_current_object()


def issue_token(user: User) -> tuple[str, ApiToken]:
    token = secrets.token_urlsafe(32)
    now = utc_now()
    row = ApiToken(
        user_id=user.id,
        token_hash=ApiToken.hash(token),
        created_at=now,
        expires_at=now + timedelta(hours=current_app.config["API_TOKEN_HOURS"]),
    )
    db.session.add(row)
    return token, row


class LiveToken(NamedTuple):
    id: int
    user: User


def token_row(token: str) -> LiveToken | None:
    """The live token (its id and user): not expired, not revoked, of an active user."""
    if not token:
        return None
    found = db.session.execute(_token_by_hash(), {"token_hash": ApiToken.hash(token)}).first()
    if found is None:
        return None
    user, token_id, revoked_at, expires_at = found
    if revoked_at is not None or _aware(expires_at) <= utc_now() or not user.active:
        return None
    return LiveToken(token_id, user)


@cache
def _token_by_hash():
    """Built once (building it cost as much as running it); the user is the one object loaded,
    the token gives only the columns checked."""
    return (
        db.select(User, ApiToken.id, ApiToken.revoked_at, ApiToken.expires_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == bindparam("token_hash"))
    )


def user_for_token(token: str) -> User | None:
    row = token_row(token)
    return row.user if row is not None else None


def revoke_tokens(user: User, only: LiveToken | None) -> int:
    """Revoke one token, or all the user's live tokens; returns how many. The caller commits."""
    statement = db.select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)
    )
    if only is not None:
        statement = statement.where(ApiToken.id == only.id)
    rows = db.session.execute(statement).scalars().all()
    for row in rows:
        row.revoked_at = utc_now()
    return len(rows)


def attempt_login(username: str, password: str, via: str) -> User:
    """Check a sign-in; raises Throttled, returns the user or None. Commits the audit trail."""
    ip = client_address() or "-"
    if reason := is_throttled(username, ip):
        # One audit event per account (or, refused for the address, per address) and minute.
        note_refusal(username[:64] if reason == "account" else ANY_ACCOUNT, ip, via)
        db.session.commit()
        raise Throttled()
    user = authenticate(username, password)
    if user is None:
        note_failure(username, ip)
        record("auth.login_failed", actor_name=username[:64], via=via)
        forget_old_failures()
        close_past_windows()
    else:
        user.last_login_at = utc_now()
        record("auth.login", user, actor=user, via=via)
    db.session.commit()
    return user


def authenticate(username: str, password: str) -> User | None:
    user = db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        # As long as a real check: the time taken must not tell which usernames exist.
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


@cache
def _dummy_hash() -> str:
    """A hash made with the same method and cost as the users' (werkzeug's default)."""
    return generate_password_hash(secrets.token_hex(16))


def _aware(moment):
    # SQLite returns naive datetimes for timezone-aware columns; they were stored as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
