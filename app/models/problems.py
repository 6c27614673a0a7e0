"""The rectification ledger (整改台账): a problem found in a village, every step taken on it, and
its photos.

A problem row holds its current state (status, deadline) so lists and counts are plain queries;
`problem_events` keeps every step with who and when and is only ever appended to
(app/accounts/audit.py's
rule, applied to this table too), so the ledger's history can be read back step by step. Nothing
is deleted: a closed problem (销号) stays with its trail.
"""

from app.extensions import db

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

    id = db.Column(db.Integer, primary_key=True)
    client_uuid = db.Column(db.Uuid(as_uuid=False), nullable=False, unique=True)
    village_id = db.Column(db.Integer, db.ForeignKey("villages.id"), nullable=False, index=True)
    # Recorded while inspecting or while reviewing one inspection; may be neither.
    inspection_id = db.Column(db.Integer, db.ForeignKey("inspections.id"), index=True)
    category = db.Column(
        db.String(32), nullable=False
    )  # a code of forms/ledger/problem_categories.json
    description = db.Column(db.Text, nullable=False)
    responsible = db.Column(db.String(16), nullable=False)
    deadline = db.Column(db.Date, nullable=False)  # the county's date; overdue from the day after
    status = db.Column(db.String(16), nullable=False, default="open")
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)
    updated_at = db.Column(db.DateTime(timezone=True), nullable=False)
    closed_at = db.Column(db.DateTime(timezone=True))
    content_hash = db.Column(db.String(64), nullable=False)  # a replay is compared by it

    village = db.relationship("Village")
    inspection = db.relationship("Inspection")
    created_by = db.relationship("User")
    events = db.relationship(
        "ProblemEvent", back_populates="problem", order_by="ProblemEvent.number"
    )
    photos = db.relationship("ProblemPhoto", back_populates="problem", order_by="ProblemPhoto.id")


class ProblemEvent(db.Model):
    __tablename__ = "problem_events"
    __table_args__ = (
        db.UniqueConstraint("problem_id", "number", name="uq_problem_events_number"),
        db.CheckConstraint(f"kind IN {EVENT_KINDS!r}", name="kind"),
    )

    id = db.Column(db.Integer, primary_key=True)
    problem_id = db.Column(db.Integer, db.ForeignKey("problems.id"), nullable=False)
    number = db.Column(db.Integer, nullable=False)  # 1, 2, ... in the problem's order
    kind = db.Column(db.String(16), nullable=False)
    status_from = db.Column(db.String(16))
    status_to = db.Column(db.String(16), nullable=False)
    note = db.Column(db.Text, nullable=False, default="")
    deadline = db.Column(db.Date)  # the deadline in force after this step
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    at = db.Column(db.DateTime(timezone=True), nullable=False)

    problem = db.relationship("Problem", back_populates="events")
    actor = db.relationship("User")


class ProblemPhoto(db.Model):
    __tablename__ = "problem_photos"
    __table_args__ = (
        db.CheckConstraint(f"stage IN {PHOTO_STAGES!r}", name="stage"),
        db.CheckConstraint("byte_size > 0", name="byte_size"),
    )

    id = db.Column(db.Integer, primary_key=True)
    client_photo_id = db.Column(db.Uuid(as_uuid=False), nullable=False, unique=True)
    problem_id = db.Column(db.Integer, db.ForeignKey("problems.id"), nullable=False, index=True)
    stage = db.Column(db.String(16), nullable=False)  # found / fix / recheck
    storage_key = db.Column(db.String(200), nullable=False, unique=True)
    content_type = db.Column(db.String(16), nullable=False)
    byte_size = db.Column(db.Integer, nullable=False)
    width = db.Column(db.Integer, nullable=False)
    height = db.Column(db.Integer, nullable=False)
    upload_sha256 = db.Column(db.String(64), nullable=False)
    uploader_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)

    problem = db.relationship("Problem", back_populates="photos")
