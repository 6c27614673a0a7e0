"""Township boundaries uploaded by a county admin (no public source has them).

Each upload is kept whole: the map draws the latest upload, and an earlier one stays in the
table, so replacing a file never destroys what was drawn before. Geometries are GeoJSON
Polygon/MultiPolygon text in WGS-84; any GCJ-02 shift happens only when drawing.
"""

from app.extensions import db


class TownshipBoundaryUpload(db.Model):
    __tablename__ = "township_boundary_uploads"

    id = db.Column(db.Integer, primary_key=True)
    uploaded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    uploaded_at = db.Column(
        db.DateTime(timezone=True), nullable=False, server_default=db.func.current_timestamp()
    )
    filename = db.Column(db.String(255))
    feature_count = db.Column(db.Integer, nullable=False)

    boundaries = db.relationship("TownshipBoundary", back_populates="upload")


class TownshipBoundary(db.Model):
    __tablename__ = "township_boundaries"
    __table_args__ = (
        db.UniqueConstraint("upload_id", "township_id", name="uq_township_boundaries_upload"),
    )

    id = db.Column(db.Integer, primary_key=True)
    upload_id = db.Column(
        db.Integer, db.ForeignKey("township_boundary_uploads.id"), nullable=False, index=True
    )
    township_id = db.Column(db.Integer, db.ForeignKey("townships.id"), nullable=False)
    geometry = db.Column(db.Text, nullable=False)  # GeoJSON geometry, WGS-84

    upload = db.relationship("TownshipBoundaryUpload", back_populates="boundaries")
