"""Counties, their townships and the village-level units (administrative villages and urban
communities). A county deployment holds one county; a province holds ~120, and every roll-up
level above the village is a sum over this tree."""

from app.extensions import db

ZONES = ("plain", "mountain", "county_town", "unknown")
VILLAGE_KINDS = ("village", "community")


class County(db.Model):
    __tablename__ = "counties"

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(6), nullable=False, unique=True)  # NBS 6-digit code
    name = db.Column(db.String(64), nullable=False)

    townships = db.relationship("Township", back_populates="county", order_by="Township.code")


class Township(db.Model):
    __tablename__ = "townships"

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(9), nullable=False, unique=True)  # NBS 9-digit code
    county_id = db.Column(db.Integer, db.ForeignKey("counties.id"), nullable=False, index=True)
    name = db.Column(db.String(64), nullable=False)
    kind = db.Column(db.String(16), nullable=False)  # town (镇) | township (乡)
    lat = db.Column(db.Float)
    lon = db.Column(db.Float)
    location_source = db.Column(db.Text)

    county = db.relationship("County", back_populates="townships")
    villages = db.relationship("Village", back_populates="township", order_by="Village.code")


class Village(db.Model):
    __tablename__ = "villages"
    __table_args__ = (
        db.CheckConstraint(f"zone IN {ZONES!r}", name="zone"),
        db.CheckConstraint(f"kind IN {VILLAGE_KINDS!r}", name="kind"),
        db.CheckConstraint("households IS NULL OR households >= 0", name="households"),
    )

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(12), nullable=False, unique=True)  # NBS 12-digit code
    name = db.Column(db.String(64), nullable=False)
    township_id = db.Column(db.Integer, db.ForeignKey("townships.id"), nullable=False, index=True)
    kind = db.Column(db.String(16), nullable=False, default="village")
    zone = db.Column(db.String(16), nullable=False, default="unknown")
    households = db.Column(db.Integer)
    # WGS-84 as received; any GCJ-02 shift for Chinese tiles happens when drawing.
    lat = db.Column(db.Float)
    lon = db.Column(db.Float)
    location_source = db.Column(db.Text)
    is_demo = db.Column(db.Boolean, nullable=False, default=False)

    township = db.relationship("Township", back_populates="villages")
