"""The rectification ledger (整改台账): a problem found in a village, every step taken on it, and
its photos.

A problem row holds its current state (status, deadline) so lists and counts are plain queries;
`problem_events` keeps every step with who and when and is only ever appended to
(app/accounts/audit.py's
rule, applied to this table too), so the ledger's history can be read back step by step. Nothing
is deleted: a closed problem (销号) stays with its trail.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

if TYPE_CHECKING:  # the relationships' targets, for the annotations only
    from app.models.geography import Village
    from app.models.inspections import Inspection
    from app.models.sites import Site
    from app.models.users import User

PROBLEM_STATUSES = ("open", "fix_reported", "closed")
RESPONSIBLE_UNITS = ("village", "township")
EVENT_KINDS = ("recorded", "fix_reported", "recheck_failed", "recheck_passed")
PHOTO_STAGES = ("found", "fix", "recheck")


class Problem(db.Model):
    __tablename__ = "problems"
    __table_args__ = (
        db.CheckConstraint(f"status IN {PROBLEM_STATUSES!r}", name="status"),
        db.CheckConstraint(f"responsible IN {RESPONSIBLE_UNITS!r}", name="responsible"),
        db.Index("ix_problems_status_deadline", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    client_uuid: Mapped[str] = mapped_column(db.Uuid(as_uuid=False), nullable=False, unique=True)
    village_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("villages.id"), nullable=False, index=True
    )
    # Recorded while inspecting or while reviewing one inspection; may be neither.
    inspection_id: Mapped[int | None] = mapped_column(
        db.Integer, db.ForeignKey("inspections.id"), index=True
    )
    # A problem found at a site (a farm, a station, a coal seller; issue 23): its village is the
    # site's village, so scope and counts work as for any village problem.
    site_id: Mapped[int | None] = mapped_column(db.Integer, db.ForeignKey("sites.id"), index=True)
    category: Mapped[str] = mapped_column(
        db.String(32), nullable=False
    )  # a code of forms/ledger/problem_categories.json
    description: Mapped[str] = mapped_column(db.Text, nullable=False)
    responsible: Mapped[str] = mapped_column(db.String(16), nullable=False)
    deadline: Mapped[date] = mapped_column(
        db.Date, nullable=False
    )  # the county's date; overdue from the day after
    status: Mapped[str] = mapped_column(db.String(16), nullable=False, default="open")
    created_by_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("users.id"), nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    content_hash: Mapped[str] = mapped_column(
        db.String(64), nullable=False
    )  # a replay is compared by it

    village: Mapped["Village"] = db.relationship()
    inspection: Mapped["Inspection | None"] = db.relationship()
    site: Mapped["Site | None"] = db.relationship()
    created_by: Mapped["User"] = db.relationship()
    events: Mapped[list["ProblemEvent"]] = db.relationship(
        back_populates="problem", order_by="ProblemEvent.number"
    )
    photos: Mapped[list["ProblemPhoto"]] = db.relationship(
        back_populates="problem", order_by="ProblemPhoto.id"
    )


class ProblemEvent(db.Model):
    __tablename__ = "problem_events"
    __table_args__ = (
        db.UniqueConstraint("problem_id", "number", name="uq_problem_events_number"),
        db.CheckConstraint(f"kind IN {EVENT_KINDS!r}", name="kind"),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    problem_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("problems.id"), nullable=False
    )
    number: Mapped[int] = mapped_column(
        db.Integer, nullable=False
    )  # 1, 2, ... in the problem's order
    kind: Mapped[str] = mapped_column(db.String(16), nullable=False)
    status_from: Mapped[str | None] = mapped_column(db.String(16))
    status_to: Mapped[str] = mapped_column(db.String(16), nullable=False)
    note: Mapped[str] = mapped_column(db.Text, nullable=False, default="")
    deadline: Mapped[date | None] = mapped_column(db.Date)  # the deadline in force after this step
    actor_id: Mapped[int] = mapped_column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)

    problem: Mapped["Problem"] = db.relationship(back_populates="events")
    actor: Mapped["User"] = db.relationship()


class ProblemPhoto(db.Model):
    __tablename__ = "problem_photos"
    __table_args__ = (
        db.CheckConstraint(f"stage IN {PHOTO_STAGES!r}", name="stage"),
        db.CheckConstraint("byte_size > 0", name="byte_size"),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    client_photo_id: Mapped[str] = mapped_column(
        db.Uuid(as_uuid=False), nullable=False, unique=True
    )
    problem_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("problems.id"), nullable=False, index=True
    )
    stage: Mapped[str] = mapped_column(db.String(16), nullable=False)  # found / fix / recheck
    storage_key: Mapped[str] = mapped_column(db.String(200), nullable=False, unique=True)
    content_type: Mapped[str] = mapped_column(db.String(16), nullable=False)
    byte_size: Mapped[int] = mapped_column(db.Integer, nullable=False)
    width: Mapped[int] = mapped_column(db.Integer, nullable=False)
    height: Mapped[int] = mapped_column(db.Integer, nullable=False)
    upload_sha256: Mapped[str] = mapped_column(db.String(64), nullable=False)
    # perceptual hash (app/photos/fingerprint.py): a reused inspection photo is found
    phash: Mapped[str | None] = mapped_column(db.String(16))
    uploader_id: Mapped[int] = mapped_column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)

    problem: Mapped["Problem"] = db.relationship(back_populates="photos")
