"""JSON errors for every failure under /api/v1."""

from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from app.formdefs.messages import message
from app.formdefs.publication import FormVersionConflict
from app.i18n import current_lang
from app.photos.refusals import PhotoRefused
from app.security import with_allow
from app.views.api.blueprint import bp
from app.views.api.body import MalformedJSON
from app.views.error_shape import error_response, validation_response
from app.views.photo_http import refusal_response


@bp.errorhandler(ValidationError)
def on_validation_error(error):
    return validation_response(error)


@bp.errorhandler(MalformedJSON)
def on_malformed_json(_error):
    return error_response(400, message("malformed", current_lang()), code="malformed_json")


@bp.errorhandler(PhotoRefused)
def on_photo_refused(error):
    return refusal_response(error)


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
