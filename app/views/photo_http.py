"""Photos over HTTP, for every route that takes or serves one: the upload stored through the one
photo path (app/photos/store.py), a refused photo as a response, and a photo's file. The codes,
statuses and words of a refusal are the catalogue's (app/photos/refusals.py); the shape is the
API's one error shape (app/views/error_shape.py). Kept outside the blueprints, as the error shape
is, so the API and the pages use it without one blueprint importing another."""

from flask import current_app, g, jsonify, request

from app.i18n import current_lang
from app.photos.refusals import PhotoRefused
from app.photos.storage import photo_storage
from app.photos.store import PhotoLimits, PhotoOwner, StoredPhoto, store_photo
from app.views.error_shape import error_response


def store_upload(owner: PhotoOwner, client_photo_id: str) -> StoredPhoto:
    """The request's multipart `photo` file stored for `owner` by the signed-in person; a
    PhotoRefused when it is missing or refused."""
    upload = request.files.get("photo")
    if upload is None:
        raise PhotoRefused("missing")
    limits = PhotoLimits.from_config(current_app.config)
    data = upload.read(limits.max_bytes + 1)  # one byte over the limit shows it is over
    return store_photo(owner, client_photo_id, data, g.actor, photo_storage(), limits)


def refusal_response(refused: PhotoRefused):
    refusal, lang = refused.refusal, current_lang()
    if refusal.field is not None:
        response = jsonify({"errors": {refusal.field: [refusal.message(lang)]}})
        response.status_code = refusal.status
        return response
    response = error_response(refusal.status, refusal.message(lang), code=refusal.api_code)
    if refusal.retry_after is not None:
        response.headers["Retry-After"] = str(refusal.retry_after)
    return response


def photo_file_response(data: bytes, content_type: str, filename: str | None = None):
    """A photo's bytes, kept a day by the browser alone, never sniffed as another type; shown
    inline under `filename` (a thumbnail has none)."""
    response = current_app.response_class(data, mimetype=content_type)
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if filename is not None:
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
