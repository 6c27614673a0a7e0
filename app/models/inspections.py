"""Inspections and their answers.

Answers follow DHIS2's data-value shape: one row per (inspection, section, field) with a numeric
or a text value. Adding a field to a form therefore needs no schema change, and SQL can sum any
numeric field per village, township and period with a plain GROUP BY. Booleans are stored as 1/0
in `value_num` so they can be counted the same way.

An inspection's answers always hold its current values. Every accepted version (the first
submission and each edit) is also kept whole in `inspection_revisions`, which is never updated,
so an edit never destroys what was there before.

Review: an inspection is `submitted`; a township lead approves it or returns it with a comment;
the inspector's edit of a returned inspection makes it `resubmitted`. Deletion is soft: the row
stays with who deleted it and why, and every read (and every roll-up) must filter on
`deleted_at IS NULL` (see app/inspections/changes.py `live`).
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

if TYPE_CHECKING:
    from app.models.geography import Village
    from app.models.photos import InspectionFlag
    from app.models.users import User

STATUSES = ("submitted", "returned", "resubmitted", "approved")


class Inspection(db.Model):
    __tablename__ = "inspections"
    __table_args__ = (
        db.Index("ix_inspections_village_period", "village_id", "quarter", "inspected_on"),
        db.Index("ix_inspections_year", "year"),
        db.CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        # Roll-ups select a period's inspections by date range (app/rollups/tallies.py).
        db.Index("ix_inspections_period_range", "inspected_on", "village_id", "id"),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    client_uuid: Mapped[str] = mapped_column(db.Uuid(as_uuid=False), nullable=False, unique=True)
    village_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("villages.id"), nullable=False
    )
    inspector_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("users.id"), nullable=False, index=True
    )
    inspected_on: Mapped[date] = mapped_column(db.Date, nullable=False)
    # "2026Q4", derived from inspected_on
    quarter: Mapped[str] = mapped_column(db.String(6), nullable=False)
    year: Mapped[int] = mapped_column(db.Integer, nullable=False)
    lat: Mapped[float | None] = mapped_column(db.Float)
    lon: Mapped[float | None] = mapped_column(db.Float)
    accuracy_m: Mapped[float | None] = mapped_column(db.Float)
    notes: Mapped[str] = mapped_column(db.Text, nullable=False, default="")
    # When the phone opened the form and saved it (its clock, sent with the first submission;
    # NULL from older phones): how long the entry took (the too_fast flag) and its county day.
    opened_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    saved_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    # SHA-256 of the canonical submitted content: a retry with the same UUID is compared by it.
    content_hash: Mapped[str] = mapped_column(db.String(64), nullable=False)
    # {"sewage": "2026.1", ...}
    form_versions: Mapped[dict[str, str]] = mapped_column(db.JSON, nullable=False)
    is_demo: Mapped[bool] = mapped_column(db.Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)
    status: Mapped[str] = mapped_column(
        db.String(16), nullable=False, default="submitted", server_default="submitted"
    )
    # the lead's last comment (kept in the audit log too)
    review_comment: Mapped[str | None] = mapped_column(db.Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(db.Integer, db.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    deleted_by_id: Mapped[int | None] = mapped_column(db.Integer, db.ForeignKey("users.id"))
    delete_reason: Mapped[str | None] = mapped_column(db.Text)

    village: Mapped["Village"] = db.relationship()
    inspector: Mapped["User"] = db.relationship(foreign_keys=[inspector_id])
    reviewed_by: Mapped["User | None"] = db.relationship(foreign_keys=[reviewed_by_id])
    deleted_by: Mapped["User | None"] = db.relationship(foreign_keys=[deleted_by_id])
    answers: Mapped[list["Answer"]] = db.relationship(
        back_populates="inspection", cascade="all, delete-orphan", order_by="Answer.id"
    )
    revisions: Mapped[list["InspectionRevision"]] = db.relationship(
        back_populates="inspection", order_by="InspectionRevision.number"
    )
    flags: Mapped[list["InspectionFlag"]] = db.relationship(
        back_populates="inspection", order_by="InspectionFlag.kind"
    )


class InspectionRevision(db.Model):
    __tablename__ = "inspection_revisions"
    __table_args__ = (db.UniqueConstraint("inspection_id", "number", name="uq_revision_number"),)

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("inspections.id"), nullable=False
    )
    number: Mapped[int] = mapped_column(db.Integer, nullable=False)
    # the validated submission, as stored
    payload: Mapped[dict[str, Any]] = mapped_column(db.JSON, nullable=False)
    author_id: Mapped[int] = mapped_column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)

    inspection: Mapped["Inspection"] = db.relationship(back_populates="revisions")
    author: Mapped["User"] = db.relationship()


class Answer(db.Model):
    __tablename__ = "answers"
    __table_args__ = (
        db.UniqueConstraint("inspection_id", "section", "field", name="uq_answers_key"),
        # (section, field) reads, and the copied-answers check's probe of one value
        # (app/inspections/integrity/entry.copies_of)
        db.Index("ix_answers_section_field_value", "section", "field", "value_num"),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("inspections.id", ondelete="CASCADE"), nullable=False
    )
    section: Mapped[str] = mapped_column(db.String(32), nullable=False)
    field: Mapped[str] = mapped_column(db.String(64), nullable=False)
    value_num: Mapped[float | None] = mapped_column(db.Float)
    value_text: Mapped[str | None] = mapped_column(db.Text)
    # For a calculated field (forms' `calculate`): "measured" when the inspector gave the figure,
    # "estimated" when the server worked it out; then `coefficients` is JSON naming each
    # coefficient edition used (key, id, applies_from, value, grade, unverified). NULL for an
    # ordinary answer (a count, a choice) and for answers stored before estimates existed.
    basis: Mapped[str | None] = mapped_column(db.String(16))
    coefficients: Mapped[str | None] = mapped_column(db.Text)

    inspection: Mapped["Inspection"] = db.relationship(back_populates="answers")
