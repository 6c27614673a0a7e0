"""POST /api/v1/auth/token: trade a username and password for a bearer token;
POST /api/v1/auth/revoke: revoke the token in use (or, with {"all": true}, every token)."""

from flask import g

from app.accounts.audit import record
from app.accounts.auth import Throttled, attempt_login, issue_token, revoke_tokens
from app.accounts.people import MESSAGES as PEOPLE_MESSAGES
from app.accounts.policy import allow
from app.accounts.throttle import MESSAGE as THROTTLED
from app.extensions import db
from app.i18n import current_lang
from app.views.api.blueprint import bp
from app.views.api.body import json_body, optional_json_body
from app.views.api.schemas import revoke_schema, token_request_schema, token_schema
from app.views.error_shape import error_response

BAD_CREDENTIALS = {"zh": "用户名或密码错误", "en": "Wrong username or password"}


@bp.post("/auth/token")
@allow("public")
def create_token():
    credentials = token_request_schema.load(json_body())
    try:
        user = attempt_login(credentials["username"], credentials["password"], via="api")
    except Throttled:
        return error_response(429, THROTTLED[current_lang()], code="throttled")
    if user is None:
        return error_response(401, BAD_CREDENTIALS[current_lang()], code="invalid_credentials")
    if user.must_change_password:
        message = PEOPLE_MESSAGES["must_change"][current_lang()]
        return error_response(403, message, code="password_change_required")
    token, row = issue_token(user)
    db.session.flush()
    record("auth.token", row, actor=user, expires_at=row.expires_at.isoformat())
    db.session.commit()
    return token_schema.dump({"token": token, "expires_at": row.expires_at}), 201


@bp.post("/auth/revoke")
@allow("account")
def revoke_token():
    body = revoke_schema.load(optional_json_body())
    only = None if body["all"] else g.get("token_row")
    if only is None and not body["all"]:
        # A browser session has no token of its own: it may only revoke all of them.
        message = {
            "zh": '浏览器会话没有自己的令牌：发送 {"all": true} 撤销全部令牌',
            "en": 'A browser session has no token of its own: send {"all": true}',
        }
        return {"errors": {"all": [message[current_lang()]]}}, 422
    count = revoke_tokens(g.actor, only)
    record("auth.revoke", ("users", g.actor.id), tokens=count, all=body["all"])
    db.session.commit()
    return {"revoked": count}
