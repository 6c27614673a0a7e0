"""Photos where inspections are read: the saved page and the village page show each
inspection's photos as small thumbnails that open the full photo.

A thumbnail (app/photos/thumbs.py) is served by the photo's own route (`GET
/api/v1/photos/ID?size=thumb`, the same access rules), so a page of many inspections does not
send every full-size photo to a phone.
"""

from app.extensions import db
from app.models import Photo


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
