"""JSON errors for every failure under /api/v1."""

from flask import jsonify
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from app.formdefs.messages import message
from app.formdefs.publication import FormVersionConflict
from app.i18n import current_lang
from app.security import with_allow
from app.views.api import bp
from app.views.api.body import MalformedJSON

MESSAGES = {
    400: {"zh": "请求无效", "en": "Bad request"},
    401: {"zh": "请先登录或提供有效的令牌", "en": "Sign in or send a valid token"},
    403: {"zh": "无权访问", "en": "You may not do this"},
    404: {"zh": "未找到", "en": "Not found"},
    405: {"zh": "不支持此方法", "en": "Method not allowed"},
    409: {
        "zh": "此提交编号已用于不同的内容",
        "en": "This submission ID was already used for different content",
    },
    413: {"zh": "请求内容过大", "en": "The request is too large"},
    415: {"zh": "请以 JSON 格式提交", "en": "Send the body as JSON"},
    422: {"zh": "数据有误", "en": "Invalid data"},
    429: {"zh": "请求过于频繁，请稍后再试", "en": "Too many requests; try again later"},
    500: {"zh": "服务器内部错误", "en": "Internal server error"},
}
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "throttled",
    500: "server_error",
}


def error_response(status: int, message: str | None = None, code: str | None = None):
    text = message or MESSAGES.get(status, MESSAGES[400])[current_lang()]
    response = jsonify({"error": {"code": code or CODES.get(status, "error"), "message": text}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def validation_response(error: ValidationError):
    return jsonify({"errors": flatten(error.messages)}), 422


def flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested errors → {"sections.straw.produced_t": ["..."]}."""
    if isinstance(messages, list):
        return {prefix or "_schema": [str(m) for m in messages]}
    out: dict[str, list[str]] = {}
    for key, value in messages.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if key == "_schema":
            path = prefix or "_schema"
        out.update(flatten(value, path))
    return out


@bp.errorhandler(ValidationError)
def on_validation_error(error):
    return validation_response(error)


@bp.errorhandler(MalformedJSON)
def on_malformed_json(_error):
    return error_response(400, message("malformed", current_lang()), code="malformed_json")


@bp.errorhandler(CSRFError)
def on_csrf_error(error):
    return error_response(400, code="csrf", message=error.description)


@bp.errorhandler(FormVersionConflict)
def on_form_version_conflict(error):
    # 503, not 4xx: the phone keeps the inspection queued and sends it once the forms are fixed.
    forms = ", ".join(error.form_ids)
    text = {
        "zh": f"表单 {forms} 的内容已修改但版本号未变，暂不能保存；"
        "请县管理员为其设置新版本号后重启",
        "en": f"Form(s) {forms} changed without a new version; nothing can be saved until a "
        "county admin gives each a new version and restarts",
    }[current_lang()]
    return error_response(503, text, code="form_version_conflict")


@bp.errorhandler(HTTPException)
def on_http_error(error):
    return with_allow(error_response(error.code or 500), error)
