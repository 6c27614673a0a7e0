"""Photos taken during an inspection, and the flags the server raises on an inspection.

A photo row records where the bytes are kept (a key in app.photos.storage, never the client's
file name), what they are, and the phone's own id for the photo, so a retried upload stores nothing
new; its perceptual hash (`phash`, app/photos/fingerprint.py) finds the same picture sent again.

A flag records something a reviewer should look at: a GPS fix far from the village or outside the
county, or a sign the inspection was not really made (FLAG_KINDS; what each means and how it is
found: app/inspections/integrity/). One flag of each kind per inspection, its `evidence` (JSON:
the other photo, inspection, times…) saying why. A flag never blocks anything; a lead may clear
it with a reason (`cleared_*`, audited), which is the only change a flag ever sees besides the
checks themselves raising or withdrawing it.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

if TYPE_CHECKING:
    from app.models.inspections import Inspection
    from app.models.users import User

PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
# The one list of flag kinds (the check constraint, the pages' labels and the API follow it).
LOCATION_FLAG_KINDS = ("far_from_village", "outside_county")
INTEGRITY_FLAG_KINDS = ("photo_reused", "photo_old", "too_fast", "copied_answers", "same_place")
FLAG_KINDS = LOCATION_FLAG_KINDS + INTEGRITY_FLAG_KINDS


class Photo(db.Model):
    __tablename__ = "photos"
    __table_args__ = (
        db.CheckConstraint(f"content_type IN {PHOTO_TYPES!r}", name="content_type"),
        db.CheckConstraint("byte_size > 0", name="byte_size"),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    client_photo_id: Mapped[str] = mapped_column(
        db.Uuid(as_uuid=False), nullable=False, unique=True
    )
    inspection_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("inspections.id"), nullable=False, index=True
    )
    section: Mapped[str] = mapped_column(db.String(32), nullable=False)
    storage_key: Mapped[str] = mapped_column(db.String(200), nullable=False, unique=True)
    content_type: Mapped[str] = mapped_column(db.String(16), nullable=False)
    byte_size: Mapped[int] = mapped_column(db.Integer, nullable=False)
    width: Mapped[int] = mapped_column(db.Integer, nullable=False)
    height: Mapped[int] = mapped_column(db.Integer, nullable=False)
    # EXIF "YYYY:MM:DD HH:MM:SS", camera local time, kept
    taken_at: Mapped[str | None] = mapped_column(db.String(19))
    # of the bytes as sent: replays
    upload_sha256: Mapped[str] = mapped_column(db.String(64), nullable=False)
    # perceptual hash, 16 hex digits; NULL until `flask integrity rebuild` for older photos
    phash: Mapped[str | None] = mapped_column(db.String(16))
    uploader_id: Mapped[int] = mapped_column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)

    inspection: Mapped["Inspection"] = db.relationship()


class InspectionFlag(db.Model):
    __tablename__ = "inspection_flags"
    __table_args__ = (
        db.UniqueConstraint("inspection_id", "kind", name="uq_inspection_flags_kind"),
        db.CheckConstraint(f"kind IN {FLAG_KINDS!r}", name="kind"),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("inspections.id"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(db.String(32), nullable=False)
    # from the village's known location (far_from_village)
    distance_m: Mapped[float | None] = mapped_column(db.Float)
    # the configured distance in force when flagged
    limit_m: Mapped[float | None] = mapped_column(db.Float)
    # what the integrity checks found (app/inspections/integrity/): photos, times, inspections
    evidence: Mapped[dict[str, Any] | None] = mapped_column(db.JSON)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)
    cleared_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    cleared_by_id: Mapped[int | None] = mapped_column(db.Integer, db.ForeignKey("users.id"))
    clear_reason: Mapped[str | None] = mapped_column(db.Text)

    inspection: Mapped["Inspection"] = db.relationship(back_populates="flags")
    cleared_by: Mapped["User | None"] = db.relationship()
