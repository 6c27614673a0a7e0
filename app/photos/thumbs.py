"""Thumbnails: a stored photo scaled down once, kept beside it, and served from then on.

The pages show photos as 240 px thumbnails (`GET /api/v1/photos/ID?size=thumb`). Making one
decodes the photo, so it is made in one of the process's decode slots (app/photos/gate.py) and
kept under the photo's key with `.thumb.jpg`: a review page of 40 photos decodes each of them
once in the photo's life, not once per view (issue 25, finding 11). A thumbnail is derived data:
losing it costs one decode, so it is written without the photo's row or audit.
"""

import io

from PIL import Image

from app.photos import gate
from app.photos.storage import PhotoStorage

THUMB_SIDE = 240  # px, the long side: sharp at 120 CSS px on a 2× phone screen


def thumbnail_key(photo_key: str) -> str:
    return photo_key.rsplit(".", 1)[0] + ".thumb.jpg"


def scaled_down(data: bytes) -> bytes:
    """The stored (already cleaned) photo as a JPEG at most THUMB_SIDE px on its long side."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (THUMB_SIDE, THUMB_SIDE))  # JPEG: decode at a fraction of the size
        image = image.convert("RGB")
        image.thumbnail((THUMB_SIDE, THUMB_SIDE))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=75)
    return out.getvalue()


def stored_thumbnail(storage: PhotoStorage, photo_key: str, slots: int) -> bytes:
    """The photo's thumbnail: the kept one, or made now in a decode slot and kept (DecodeBusy
    when every slot stays taken, answered as the photo path's `busy`)."""
    key = thumbnail_key(photo_key)
    kept = storage.find(key)
    if kept is not None:
        return kept
    with gate.decode_slot(slots):
        made = scaled_down(storage.get(photo_key))
    storage.put(key, made, "image/jpeg")
    return made
