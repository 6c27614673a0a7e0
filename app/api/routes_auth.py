"""POST /api/v1/auth/token: trade a username and password for a bearer token."""

from flask import request

from app.api import bp
from app.api.errors import error_response
from app.api.body import json_body
from app.api.schemas import token_request_schema, token_schema
from app.auth import authenticate, issue_token
from app.extensions import db
from app.i18n import current_lang
from app.policy import allow

BAD_CREDENTIALS = {"zh": "用户名或密码错误", "en": "Wrong username or password"}


@bp.post("/auth/token")
@allow("public")
def create_token():
    credentials = token_request_schema.load(json_body())
    user = authenticate(credentials["username"], credentials["password"])
    if user is None:
        return error_response(401, BAD_CREDENTIALS[current_lang()], code="invalid_credentials")
    token, row = issue_token(user)
    db.session.commit()
    return token_schema.dump({"token": token, "expires_at": row.expires_at}), 201

