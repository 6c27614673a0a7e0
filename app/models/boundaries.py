"""Township boundaries uploaded by a county admin (no public source has them).

Each upload is kept whole: the map draws the latest upload, and an earlier one stays in the
table, so replacing a file never destroys what was drawn before. Geometries are GeoJSON
Polygon/MultiPolygon text in WGS-84; any GCJ-02 shift happens only when drawing.
"""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class TownshipBoundaryUpload(db.Model):
    __tablename__ = "township_boundary_uploads"

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    uploaded_by_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("users.id"), nullable=False
    )
    uploaded_at: Mapped[datetime] = mapped_column(
        db.DateTime(timezone=True), nullable=False, server_default=db.func.current_timestamp()
    )
    filename: Mapped[str | None] = mapped_column(db.String(255))
    feature_count: Mapped[int] = mapped_column(db.Integer, nullable=False)

    boundaries: Mapped[list["TownshipBoundary"]] = db.relationship(back_populates="upload")


class TownshipBoundary(db.Model):
    __tablename__ = "township_boundaries"
    __table_args__ = (
        db.UniqueConstraint("upload_id", "township_id", name="uq_township_boundaries_upload"),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    upload_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("township_boundary_uploads.id"), nullable=False, index=True
    )
    township_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("townships.id"), nullable=False
    )
    geometry: Mapped[str] = mapped_column(db.Text, nullable=False)  # GeoJSON geometry, WGS-84

    upload: Mapped["TownshipBoundaryUpload"] = db.relationship(back_populates="boundaries")
