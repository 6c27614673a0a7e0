"""Who is asking: a signed-in browser session (Flask-Login) or an API bearer token.

`g.actor` is set once per request from either, and the policy decorator reads only that. Tokens
are random, stored as SHA-256, expire, and can be revoked.
"""

import secrets
from datetime import UTC, timedelta

from flask import Flask, current_app, g, request
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.clock import utc_now
from app.db import reads_before_writes
from app.extensions import db, login_manager
from app.models import ApiToken, User


def init_app(app: Flask) -> None:
    login_manager.login_view = "web.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id))

    @app.before_request
    def identify_actor():
        g.actor = None
        g.via_token = False
        header = request.headers.get("Authorization", "")
        with reads_before_writes():
            if header.startswith("Bearer ") and request.path.startswith("/api/"):
                g.actor = user_for_token(header[len("Bearer "):].strip())
                g.via_token = g.actor is not None
                g.bad_token = g.actor is None
            elif current_user.is_authenticated:
                g.actor = current_user._get_current_object()


def issue_token(user: User) -> tuple[str, ApiToken]:
    token = secrets.token_urlsafe(32)
    now = utc_now()
    row = ApiToken(user_id=user.id, token_hash=ApiToken.hash(token), created_at=now,
                   expires_at=now + timedelta(hours=current_app.config["API_TOKEN_HOURS"]))
    db.session.add(row)
    return token, row


def user_for_token(token: str) -> User | None:
    if not token:
        return None
    row = db.session.execute(
        db.select(ApiToken).options(joinedload(ApiToken.user))  # one query per request, not two
        .where(ApiToken.token_hash == ApiToken.hash(token))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None or _aware(row.expires_at) <= utc_now():
        return None
    return row.user if row.user.active else None


def authenticate(username: str, password: str) -> User | None:
    user = db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def _aware(moment):
    # SQLite returns naive datetimes for timezone-aware columns; they were stored as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
