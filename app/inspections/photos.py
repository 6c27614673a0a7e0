"""Storing a photo of an inspection exactly once.

The phone gives each photo its own UUID and may upload it any number of times. The first upload
is cleaned (app.inspections.images), written to storage under a key the server makes, and recorded;
a later upload with the same id and the same bytes gets the stored photo back, and one with other
bytes is a conflict. The bytes are written before the row commits, so a committed row always has its
file; a crash in between leaves at most an unreferenced file, never a row without one.

The image is decoded and re-encoded between two transactions (app/inspections/photo_gate.py bounds
it): the checks read in the first, which ends before decoding, and the insert re-checks and writes
in a second, so on SQLite the write lock covers the insert and not the seconds a decode can take.
Photos are taken only for a live inspection not yet approved, and at most
`PHOTO_MAX_PER_INSPECTION` of them.
"""

import hashlib
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from app.accounts.audit import record
from app.clock import utc_now
from app.db import end_read_transaction, reads_before_writes
from app.extensions import db
from app.formdefs import FormSet
from app.inspections import photo_gate
from app.inspections.storage import PhotoStorage
from app.models import Inspection, Photo, User

GENERAL_SECTION = "general"  # a photo of the inspection as a whole


class PhotoTooLarge(Exception):
    pass


class PhotoConflict(Exception):
    pass


class UnknownSection(ValueError):
    pass


class InspectionClosed(Exception):
    """Approved (its evidence is reviewed and final) or deleted."""


class TooManyPhotos(Exception):
    pass


@dataclass(frozen=True)
class PhotoLimits:
    max_bytes: int
    max_pixels: int
    max_per_inspection: int = 40
    decode_slots: int = 2

    @classmethod
    def from_config(cls, config) -> "PhotoLimits":
        return cls(
            config["PHOTO_MAX_BYTES"],
            config["PHOTO_MAX_PIXELS"],
            config["PHOTO_MAX_PER_INSPECTION"],
            config["PHOTO_DECODE_SLOTS"],
        )


@dataclass(frozen=True)
class StoredPhoto:
    photo: Photo
    created: bool


def photo_sections(form_set: FormSet) -> set[str]:
    return {GENERAL_SECTION, form_set.profile.form_id} | {s.form_id for s in form_set.sections}


def new_key(extension: str, now) -> str:
    """Year/month folders keep a directory listing short; the name is random."""
    return f"{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{extension}"


def store_photo(
    inspection: Inspection,
    client_photo_id: str,
    section: str,
    data: bytes,
    actor: User,
    storage: PhotoStorage,
    form_set: FormSet,
    limits: PhotoLimits,
) -> StoredPhoto:
    if len(data) > limits.max_bytes:
        raise PhotoTooLarge(f"{len(data)} bytes > {limits.max_bytes}")
    if section not in photo_sections(form_set):
        raise UnknownSection(section)
    digest = hashlib.sha256(data).hexdigest()
    with reads_before_writes():  # a read transaction: SQLite's write lock is not taken yet
        existing = _by_client_id(client_photo_id)
        if existing is not None:
            return _replay(existing, inspection, digest)
        _check_accepts(inspection, limits)
    end_read_transaction()

    image = photo_gate.clean_bounded(data, limits.max_pixels, limits.decode_slots)
    now = utc_now()
    key = new_key(image.extension, now)
    storage.put(key, image.data, image.content_type)
    _check_accepts(inspection, limits)  # again, in the write transaction that inserts
    photo = Photo(
        client_photo_id=client_photo_id,
        inspection_id=inspection.id,
        section=section,
        storage_key=key,
        content_type=image.content_type,
        byte_size=len(image.data),
        width=image.width,
        height=image.height,
        taken_at=image.taken_at,
        upload_sha256=digest,
        uploader_id=actor.id,
        created_at=now,
    )
    db.session.add(photo)
    try:
        db.session.flush()
        record("photo.create", photo, actor=actor, inspection=inspection.id, section=section)
        db.session.commit()
    except IntegrityError:  # the same photo id committed by a concurrent upload
        db.session.rollback()
        existing = _by_client_id(client_photo_id)
        if existing is None:
            raise
        return _replay(existing, inspection, digest)
    return StoredPhoto(photo, created=True)


def _check_accepts(inspection: Inspection, limits: PhotoLimits) -> None:
    status, deleted_at = db.session.execute(
        db.select(Inspection.status, Inspection.deleted_at).where(Inspection.id == inspection.id)
    ).one()
    if deleted_at is not None or status == "approved":
        raise InspectionClosed(status if deleted_at is None else "deleted")
    count = db.session.scalar(
        db.select(db.func.count()).select_from(Photo).where(Photo.inspection_id == inspection.id)
    )
    if count >= limits.max_per_inspection:
        raise TooManyPhotos(f"{count} photos already")


def photos_of(inspection: Inspection) -> list[Photo]:
    return (
        db.session.execute(
            db.select(Photo).where(Photo.inspection_id == inspection.id).order_by(Photo.id)
        )
        .scalars()
        .all()
    )


def _by_client_id(client_photo_id: str) -> Photo | None:
    return db.session.execute(
        db.select(Photo).where(Photo.client_photo_id == client_photo_id)
    ).scalar_one_or_none()


def _replay(existing: Photo, inspection: Inspection, digest: str) -> StoredPhoto:
    if existing.inspection_id != inspection.id or existing.upload_sha256 != digest:
        raise PhotoConflict(existing.client_photo_id)
    return StoredPhoto(existing, created=False)
