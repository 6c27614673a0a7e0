"""Photos where inspections are read: the saved page and the village page show each
inspection's photos as small thumbnails that open the full photo.

A thumbnail is the stored photo scaled down on request (`GET /api/v1/photos/ID?size=thumb`,
the same route and the same access rules as the photo itself), so nothing more is stored and
a page of many inspections does not send every full-size photo to a phone.
"""

import io

from PIL import Image

from app.extensions import db
from app.models import Photo

THUMB_SIDE = 240  # px, the long side: sharp at 120 CSS px on a 2× phone screen


def photos_by_inspection(inspection_ids) -> dict[int, list[Photo]]:
    """{inspection id: its photos in the order taken}, in one query."""
    ids = list(inspection_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(Photo).where(Photo.inspection_id.in_(ids)).order_by(Photo.id)
    ).scalars()
    out: dict[int, list[Photo]] = {}
    for photo in rows:
        out.setdefault(photo.inspection_id, []).append(photo)
    return out


def thumbnail(data: bytes) -> bytes:
    """The stored (already cleaned) photo as a JPEG at most THUMB_SIDE px on its long side."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (THUMB_SIDE, THUMB_SIDE))  # JPEG: decode at a fraction of the size
        image = image.convert("RGB")
        image.thumbnail((THUMB_SIDE, THUMB_SIDE))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=75)
    return out.getvalue()
