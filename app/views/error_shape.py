"""The API's one error shape, shared by every part of the web layer that answers JSON or shows a
validation error: `{"error": {"code", "message"}}`, and `{"errors": {"field.path": [...]}}` for
invalid data. Kept outside the api blueprint so the pages use it without one blueprint importing
another. `flatten` lives in app/validation_messages.py, where the domain reaches it too."""

from flask import jsonify
from marshmallow import ValidationError

from app.i18n import current_lang
from app.validation_messages import flatten

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
