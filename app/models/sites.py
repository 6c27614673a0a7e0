"""Places other than villages that the county plan inspects (issue 23): scale farms, village
sewage stations, household-coal sellers — and any kind added as data in forms/sites/.

A site belongs to a village (so to a township and the county) and keeps a stable `code` that a
register re-import matches on. Closing (停业/拆除) stamps status, date and reason; nothing is
deleted, so the site's inspections and problems stay readable. A site inspection is stored once
per client uuid; every accepted version is kept whole in `site_inspection_revisions`. The
sampling plan's draws are stored rows, so a month's draw is made once and then only read.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

if TYPE_CHECKING:
    from app.models.geography import Village
    from app.models.users import User

SITE_STATUSES = ("open", "closed")
SITE_INSPECTION_STATUSES = ("submitted", "returned", "resubmitted", "approved")


class Site(db.Model):
    __tablename__ = "sites"
    __table_args__ = (
        db.CheckConstraint(f"status IN {SITE_STATUSES!r}", name="site_status"),
        db.CheckConstraint("status = 'open' OR closed_on IS NOT NULL", name="site_closed_on"),
        db.Index("ix_sites_kind_status", "kind", "status"),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    code: Mapped[str] = mapped_column(db.String(32), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(db.String(32), nullable=False)
    name: Mapped[str] = mapped_column(db.String(100), nullable=False)
    village_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("villages.id"), nullable=False, index=True
    )
    lat: Mapped[float | None] = mapped_column(db.Float)
    lon: Mapped[float | None] = mapped_column(db.Float)
    # the kind's register columns (forms/sites/<kind>.json "register")
    attributes: Mapped[dict[str, Any]] = mapped_column(db.JSON, nullable=False, default=dict)
    status: Mapped[str] = mapped_column(db.String(16), nullable=False, default="open")
    closed_on: Mapped[date | None] = mapped_column(db.Date)
    closed_reason: Mapped[str | None] = mapped_column(db.Text)
    is_demo: Mapped[bool] = mapped_column(db.Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)

    village: Mapped["Village"] = db.relationship()


class SiteInspection(db.Model):
    __tablename__ = "site_inspections"
    __table_args__ = (
        db.CheckConstraint(f"status IN {SITE_INSPECTION_STATUSES!r}", name="site_insp_status"),
        db.Index("ix_site_inspections_site_day", "site_id", "inspected_on"),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    client_uuid: Mapped[str] = mapped_column(db.Uuid(as_uuid=False), nullable=False, unique=True)
    site_id: Mapped[int] = mapped_column(db.Integer, db.ForeignKey("sites.id"), nullable=False)
    inspector_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("users.id"), nullable=False, index=True
    )
    inspected_on: Mapped[date] = mapped_column(db.Date, nullable=False)
    # the validated answers of the kind's form, {field: value}
    answers: Mapped[dict[str, Any]] = mapped_column(db.JSON, nullable=False)
    form_version: Mapped[str] = mapped_column(db.String(32), nullable=False)
    content_hash: Mapped[str] = mapped_column(db.String(64), nullable=False)
    status: Mapped[str] = mapped_column(db.String(16), nullable=False, default="submitted")
    review_comment: Mapped[str | None] = mapped_column(db.Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(db.Integer, db.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    is_demo: Mapped[bool] = mapped_column(db.Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)

    site: Mapped["Site"] = db.relationship()
    inspector: Mapped["User"] = db.relationship(foreign_keys=[inspector_id])
    revisions: Mapped[list["SiteInspectionRevision"]] = db.relationship(
        back_populates="inspection", order_by="SiteInspectionRevision.number"
    )


class SiteInspectionRevision(db.Model):
    __tablename__ = "site_inspection_revisions"
    __table_args__ = (
        db.UniqueConstraint("inspection_id", "number", name="uq_site_revision_number"),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("site_inspections.id"), nullable=False
    )
    number: Mapped[int] = mapped_column(db.Integer, nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(db.JSON, nullable=False)
    author_id: Mapped[int] = mapped_column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)

    inspection: Mapped["SiteInspection"] = db.relationship(back_populates="revisions")


class SamplingDraw(db.Model):
    """One site drawn for one period of a kind's sampling rule in one township."""

    __tablename__ = "sampling_draws"
    __table_args__ = (
        db.UniqueConstraint("kind", "month", "site_id", name="uq_sampling_draw"),
        db.Index("ix_sampling_draws_month_township", "kind", "month", "township_id"),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(db.String(32), nullable=False)
    month: Mapped[str] = mapped_column(db.String(7), nullable=False)  # "2026-12"
    township_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("townships.id"), nullable=False
    )
    site_id: Mapped[int] = mapped_column(db.Integer, db.ForeignKey("sites.id"), nullable=False)
    due_on: Mapped[date] = mapped_column(db.Date, nullable=False)
    drawn_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)
    # "draw" (the seeded draw), "admin" (added by a county admin) or "removed" (taken out by one:
    # kept, so the month counts as drawn)
    source: Mapped[str] = mapped_column(db.String(16), nullable=False, default="draw")

    site: Mapped["Site"] = db.relationship()
