"""Counties, their townships and the village-level units (administrative villages and urban
communities). A county deployment holds one county; a province holds ~120, and every roll-up
level above the village is a sum over this tree."""

from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

ZONES = ("plain", "mountain", "county_town", "unknown")
VILLAGE_KINDS = ("village", "community")


class County(db.Model):
    __tablename__ = "counties"

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    code: Mapped[str] = mapped_column(db.String(6), nullable=False, unique=True)  # NBS 6-digit code
    name: Mapped[str] = mapped_column(db.String(64), nullable=False)

    townships: Mapped[list["Township"]] = db.relationship(
        back_populates="county", order_by="Township.code"
    )


class Township(db.Model):
    __tablename__ = "townships"

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    code: Mapped[str] = mapped_column(db.String(9), nullable=False, unique=True)  # NBS 9-digit code
    county_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("counties.id"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(db.String(64), nullable=False)
    kind: Mapped[str] = mapped_column(db.String(16), nullable=False)  # town (镇) | township (乡)
    lat: Mapped[float | None] = mapped_column(db.Float)
    lon: Mapped[float | None] = mapped_column(db.Float)
    location_source: Mapped[str | None] = mapped_column(db.Text)

    county: Mapped["County"] = db.relationship(back_populates="townships")
    villages: Mapped[list["Village"]] = db.relationship(
        back_populates="township", order_by="Village.code"
    )


class Village(db.Model):
    __tablename__ = "villages"
    __table_args__ = (
        db.CheckConstraint(f"zone IN {ZONES!r}", name="zone"),
        db.CheckConstraint(f"kind IN {VILLAGE_KINDS!r}", name="kind"),
        db.CheckConstraint("households IS NULL OR households >= 0", name="households"),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    # NBS 12-digit code
    code: Mapped[str] = mapped_column(db.String(12), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(db.String(64), nullable=False)
    township_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("townships.id"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(db.String(16), nullable=False, default="village")
    zone: Mapped[str] = mapped_column(db.String(16), nullable=False, default="unknown")
    households: Mapped[int | None] = mapped_column(db.Integer)
    # WGS-84 as received; any GCJ-02 shift for Chinese tiles happens when drawing.
    lat: Mapped[float | None] = mapped_column(db.Float)
    lon: Mapped[float | None] = mapped_column(db.Float)
    location_source: Mapped[str | None] = mapped_column(db.Text)
    is_demo: Mapped[bool] = mapped_column(db.Boolean, nullable=False, default=False)

    township: Mapped["Township"] = db.relationship(back_populates="villages")
