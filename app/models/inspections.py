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

from app.extensions import db

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

    id = db.Column(db.Integer, primary_key=True)
    client_uuid = db.Column(db.Uuid(as_uuid=False), nullable=False, unique=True)
    village_id = db.Column(db.Integer, db.ForeignKey("villages.id"), nullable=False)
    inspector_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    inspected_on = db.Column(db.Date, nullable=False)
    quarter = db.Column(db.String(6), nullable=False)  # "2026Q4", derived from inspected_on
    year = db.Column(db.Integer, nullable=False)
    lat = db.Column(db.Float)
    lon = db.Column(db.Float)
    accuracy_m = db.Column(db.Float)
    notes = db.Column(db.Text, nullable=False, default="")
    # SHA-256 of the canonical submitted content: a retry with the same UUID is compared by it.
    content_hash = db.Column(db.String(64), nullable=False)
    form_versions = db.Column(db.JSON, nullable=False)  # {"sewage": "2026.1", ...}
    is_demo = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)
    updated_at = db.Column(db.DateTime(timezone=True), nullable=False)
    status = db.Column(
        db.String(16), nullable=False, default="submitted", server_default="submitted"
    )
    review_comment = db.Column(db.Text)  # the lead's last comment (kept in the audit log too)
    reviewed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    reviewed_at = db.Column(db.DateTime(timezone=True))
    deleted_at = db.Column(db.DateTime(timezone=True))
    deleted_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    delete_reason = db.Column(db.Text)

    village = db.relationship("Village")
    inspector = db.relationship("User", foreign_keys=[inspector_id])
    reviewed_by = db.relationship("User", foreign_keys=[reviewed_by_id])
    deleted_by = db.relationship("User", foreign_keys=[deleted_by_id])
    answers = db.relationship(
        "Answer", back_populates="inspection", cascade="all, delete-orphan", order_by="Answer.id"
    )
    revisions = db.relationship(
        "InspectionRevision", back_populates="inspection", order_by="InspectionRevision.number"
    )
    flags = db.relationship(
        "InspectionFlag", back_populates="inspection", order_by="InspectionFlag.kind"
    )


class InspectionRevision(db.Model):
    __tablename__ = "inspection_revisions"
    __table_args__ = (db.UniqueConstraint("inspection_id", "number", name="uq_revision_number"),)

    id = db.Column(db.Integer, primary_key=True)
    inspection_id = db.Column(db.Integer, db.ForeignKey("inspections.id"), nullable=False)
    number = db.Column(db.Integer, nullable=False)
    payload = db.Column(db.JSON, nullable=False)  # the validated submission, as stored
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)

    inspection = db.relationship("Inspection", back_populates="revisions")
    author = db.relationship("User")


class Answer(db.Model):
    __tablename__ = "answers"
    __table_args__ = (
        db.UniqueConstraint("inspection_id", "section", "field", name="uq_answers_key"),
        db.Index("ix_answers_section_field", "section", "field"),
    )

    id = db.Column(db.Integer, primary_key=True)
    inspection_id = db.Column(
        db.Integer, db.ForeignKey("inspections.id", ondelete="CASCADE"), nullable=False
    )
    section = db.Column(db.String(32), nullable=False)
    field = db.Column(db.String(64), nullable=False)
    value_num = db.Column(db.Float)
    value_text = db.Column(db.Text)
    # For a calculated field (forms' `calculate`): "measured" when the inspector gave the figure,
    # "estimated" when the server worked it out; then `coefficients` is JSON naming each
    # coefficient edition used (key, id, applies_from, value, grade, unverified). NULL for an
    # ordinary answer (a count, a choice) and for answers stored before estimates existed.
    basis = db.Column(db.String(16))
    coefficients = db.Column(db.Text)

    inspection = db.relationship("Inspection", back_populates="answers")
