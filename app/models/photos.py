"""Photos taken during an inspection, and the flags the server raises on an inspection.

A photo row records where the bytes are kept (a key in app.inspections.storage, never the client's
file
name), what they are, and the phone's own id for the photo, so a retried upload stores nothing
new. A flag records something a reviewer should look at (a GPS fix far from the village, or
outside the county); flags are facts about a stored inspection and are never edited.
"""

from app.extensions import db

PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
FLAG_KINDS = ("far_from_village", "outside_county")


class Photo(db.Model):
    __tablename__ = "photos"
    __table_args__ = (
        db.CheckConstraint(f"content_type IN {PHOTO_TYPES!r}", name="content_type"),
        db.CheckConstraint("byte_size > 0", name="byte_size"),
    )

    id = db.Column(db.Integer, primary_key=True)
    client_photo_id = db.Column(db.Uuid(as_uuid=False), nullable=False, unique=True)
    inspection_id = db.Column(
        db.Integer, db.ForeignKey("inspections.id"), nullable=False, index=True
    )
    section = db.Column(db.String(32), nullable=False)
    storage_key = db.Column(db.String(200), nullable=False, unique=True)
    content_type = db.Column(db.String(16), nullable=False)
    byte_size = db.Column(db.Integer, nullable=False)
    width = db.Column(db.Integer, nullable=False)
    height = db.Column(db.Integer, nullable=False)
    taken_at = db.Column(db.String(19))  # EXIF "YYYY:MM:DD HH:MM:SS", camera local time, kept
    upload_sha256 = db.Column(db.String(64), nullable=False)  # of the bytes as sent: replays
    uploader_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)

    inspection = db.relationship("Inspection")


class InspectionFlag(db.Model):
    __tablename__ = "inspection_flags"
    __table_args__ = (
        db.UniqueConstraint("inspection_id", "kind", name="uq_inspection_flags_kind"),
        db.CheckConstraint(f"kind IN {FLAG_KINDS!r}", name="kind"),
    )

    id = db.Column(db.Integer, primary_key=True)
    inspection_id = db.Column(
        db.Integer, db.ForeignKey("inspections.id"), nullable=False, index=True
    )
    kind = db.Column(db.String(32), nullable=False)
    distance_m = db.Column(db.Float)  # from the village's known location (far_from_village)
    limit_m = db.Column(db.Float)  # the configured distance in force when flagged
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)

    inspection = db.relationship("Inspection", back_populates="flags")
