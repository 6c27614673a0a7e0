"""Storing a photo exactly once, whatever it belongs to (an inspection, a problem, …).

The phone gives each photo its own UUID and may upload it any number of times. The first upload
is cleaned (app/photos/images.py), written to storage under a key the server makes, and recorded;
a later upload with the same id and the same bytes gets the stored photo back, and one with other
bytes, or for another owner, is a conflict. The bytes are written before the row commits, so a
committed row always has its file; a crash in between leaves at most an unreferenced file, never a
row without one.

The image is decoded and re-encoded between two transactions (app/photos/gate.py bounds it): the
checks read in the first, which ends before decoding, and the insert checks the owner again and
writes in a second, so on SQLite the write lock covers the insert and not the seconds a decode can
take. What differs between owners (which table, whether it takes a photo now, the row's own
columns, its audit) is asked of a `PhotoOwner`; every refusal is a PhotoRefused
(app/photos/refusals.py).
"""

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError

from app.clock import utc_now
from app.db import end_read_transaction, reads_before_writes
from app.extensions import db
from app.photos import gate
from app.photos.images import CleanImage
from app.photos.refusals import PhotoRefused
from app.photos.storage import PhotoStorage


class PhotoOwner(Protocol):
    """The thing a photo belongs to, as the shared path needs it."""

    table: Any  # the photo model: client_photo_id, upload_sha256 and the columns new_row is given

    def check_request(self) -> None:
        """What was sent, checked before anything is read (e.g. a known section)."""

    def check_accepts(self) -> None:
        """PhotoRefused unless the owner takes a photo now; runs in the read that precedes the
        decode and again in the write transaction that inserts."""

    def holds(self, photo) -> bool:
        """Whether a stored photo is this owner's: a replay, not a conflict."""

    def new_row(self, columns: dict, image: CleanImage):
        """The row: `columns` (what every photo has) and the owner's own."""

    def recorded(self, photo) -> None:
        """Anything written with the row, in its transaction (an audit event)."""


@dataclass(frozen=True)
class PhotoLimits:
    max_bytes: int
    max_pixels: int
    decode_slots: int = 2

    @classmethod
    def from_config(cls, config) -> "PhotoLimits":
        return cls(
            config["PHOTO_MAX_BYTES"], config["PHOTO_MAX_PIXELS"], config["PHOTO_DECODE_SLOTS"]
        )


@dataclass(frozen=True)
class StoredPhoto:
    photo: Any  # a row of the owner's table
    created: bool


def new_key(extension: str, now) -> str:
    """Year/month folders keep a directory listing short; the name is random."""
    return f"{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{extension}"


def store_photo(
    owner: PhotoOwner,
    client_photo_id: str,
    data: bytes,
    actor,
    storage: PhotoStorage,
    limits: PhotoLimits,
) -> StoredPhoto:
    if len(data) > limits.max_bytes:
        raise PhotoRefused("too_large", f"{len(data)} bytes > {limits.max_bytes}")
    owner.check_request()
    digest = hashlib.sha256(data).hexdigest()
    with reads_before_writes():  # a read transaction: SQLite's write lock is not taken yet
        existing = _by_client_id(owner, client_photo_id)
        if existing is not None:
            return _replay(owner, existing, digest)
        owner.check_accepts()
    end_read_transaction()

    image = gate.clean_bounded(data, limits.max_pixels, limits.decode_slots)
    now = utc_now()
    key = new_key(image.extension, now)
    storage.put(key, image.data, image.content_type)
    owner.check_accepts()  # again, in the write transaction that inserts
    photo = owner.new_row(
        {
            "client_photo_id": client_photo_id,
            "storage_key": key,
            "content_type": image.content_type,
            "byte_size": len(image.data),
            "width": image.width,
            "height": image.height,
            "upload_sha256": digest,
            "uploader_id": actor.id,
            "created_at": now,
        },
        image,
    )
    db.session.add(photo)
    try:
        db.session.flush()
        owner.recorded(photo)
        db.session.commit()
    except IntegrityError:  # the same photo id committed by a concurrent upload
        db.session.rollback()
        existing = _by_client_id(owner, client_photo_id)
        if existing is None:
            raise
        return _replay(owner, existing, digest)
    return StoredPhoto(photo, created=True)


def _by_client_id(owner: PhotoOwner, client_photo_id: str):
    return db.session.execute(
        db.select(owner.table).where(owner.table.client_photo_id == client_photo_id)
    ).scalar_one_or_none()


def _replay(owner: PhotoOwner, existing, digest: str) -> StoredPhoto:
    if not owner.holds(existing) or existing.upload_sha256 != digest:
        raise PhotoRefused("conflict", existing.client_photo_id)
    return StoredPhoto(existing, created=False)
