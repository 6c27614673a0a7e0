"""Photos of an inspection: upload (idempotent by the phone's photo id), list, the file itself
(session or token, with the same scope as the inspection), and the session
probe the offline queue calls before sending (a fresh CSRF token, or 401: sign in again)."""

from flask import abort, current_app, g, request, url_for
from flask_wtf.csrf import generate_csrf

from app.accounts.policy import allow, in_scope
from app.db import reads_before_writes
from app.extensions import db
from app.formdefs.registry import current_forms
from app.inspections.photos import InspectionPhotos, photos_of
from app.models import Inspection, Photo
from app.photos.storage import photo_storage
from app.photos.thumbs import stored_thumbnail
from app.views.api.blueprint import bp
from app.views.api.schemas_offline import (
    photo_schema,
    photo_upload_schema,
    photos_schema,
    session_schema,
)
from app.views.photo_http import photo_file_response, store_upload


@bp.get("/session")
@allow("account")
def session_probe():
    return session_schema.dump(
        {"username": g.actor.username, "role": g.actor.role, "csrf_token": generate_csrf()}
    )


@bp.post("/inspections/<uuid:client_uuid>/photos")
@allow("inspection.create")
def upload_photo(client_uuid):
    with reads_before_writes():  # the look-up takes no write lock (app/db.py)
        inspection = _inspection(str(client_uuid))
    if inspection.inspector_id != g.actor.id and g.actor.role != "county_admin":
        abort(403)
    form = photo_upload_schema.load(request.form.to_dict())
    owner = InspectionPhotos(
        inspection,
        form["section"],
        g.actor,
        current_forms().form_set,
        current_app.config["PHOTO_MAX_PER_INSPECTION"],
    )
    stored = store_upload(owner, str(form["client_photo_id"]))  # refused: app/views/api/errors.py
    return photo_schema.dump(photo_document(stored.photo)), 201 if stored.created else 200


@bp.get("/inspections/<uuid:client_uuid>/photos")
@allow("inspection.read")
def list_photos(client_uuid):
    inspection = _inspection(str(client_uuid), include_deleted=_reads_deleted())
    return {"photos": photos_schema.dump([photo_document(p) for p in photos_of(inspection)])}


@bp.get("/photos/<int:photo_id>")
@allow("photo.read")
def photo_file(photo_id: int):
    photo = db.session.get(Photo, photo_id)
    if photo is None or not in_scope(g.actor, photo.inspection.village.township):
        abort(404)
    if photo.inspection.deleted_at is not None and not _reads_deleted():
        abort(404)  # a deleted inspection's photos go with it, as its API document does
    if request.args.get("size") == "thumb":  # the pages' thumbnails: same photo, same rules
        slots = current_app.config["PHOTO_DECODE_SLOTS"]
        thumb = stored_thumbnail(photo_storage(), photo.storage_key, slots)
        return photo_file_response(thumb, "image/jpeg")
    data = photo_storage().get(photo.storage_key)
    extension = photo.storage_key.rsplit(".", 1)[-1]
    return photo_file_response(data, photo.content_type, f"photo-{photo.id}.{extension}")


def photo_document(photo) -> dict:
    return {
        "id": photo.id,
        "client_photo_id": str(photo.client_photo_id),
        "section": photo.section,
        "content_type": photo.content_type,
        "byte_size": photo.byte_size,
        "width": photo.width,
        "height": photo.height,
        "taken_at": photo.taken_at,
        "url": url_for("api.photo_file", photo_id=photo.id),
        "created_at": photo.created_at,
    }


def _reads_deleted() -> bool:
    # A county admin also reads deleted inspections (to restore them), as GET /inspections does.
    return g.actor.role == "county_admin"


def _inspection(client_uuid: str, include_deleted: bool = False) -> Inspection:
    inspection = db.session.execute(
        db.select(Inspection).where(Inspection.client_uuid == client_uuid)
    ).scalar_one_or_none()
    # Out of scope answers 404 like a missing row: whether it exists is not theirs to know;
    # a deleted inspection answers 404 as GET /inspections/<id> does.
    if inspection is None or not in_scope(g.actor, inspection.village.township):
        abort(404)
    if inspection.deleted_at is not None and not include_deleted:
        abort(404)
    return inspection
