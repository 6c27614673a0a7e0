"""Targets per indicator and zone, append-only so an old period keeps the target it had.

A row applies from `applies_from` (the first day of a quarter or year) until a later row for the
same indicator and zone. Zone `*` is the county default, used for zones without a row of their own
(notably villages whose zone is still `unknown`).

A row may carry its path (app/rollups/target_path.py): the baseline it starts from (value and date)
and
the deadline by which `value` must be reached.
"""

from app.extensions import db


class Target(db.Model):
    __tablename__ = "targets"
    __table_args__ = (
        db.UniqueConstraint("indicator", "zone", "applies_from", "set_at", name="uq_targets_row"),
        db.CheckConstraint("value >= 0 AND value <= 1", name="value"),
        db.CheckConstraint(
            "baseline_value IS NULL OR (baseline_value >= 0 AND baseline_value <= 1)",
            name="baseline_value",
        ),
    )

    id = db.Column(db.Integer, primary_key=True)
    indicator = db.Column(db.String(64), nullable=False, index=True)
    zone = db.Column(db.String(16), nullable=False, default="*")
    value = db.Column(db.Float, nullable=False)  # a fraction, 0..1
    applies_from = db.Column(db.Date, nullable=False)
    source = db.Column(db.Text)  # e.g. "plan §5.4" or the admin who set it
    baseline_value = db.Column(db.Float)  # a fraction, 0..1: where the path starts
    baseline_date = db.Column(db.Date)
    deadline = db.Column(db.Date)  # when `value` must be reached
    set_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    set_at = db.Column(
        db.DateTime(timezone=True), nullable=False, server_default=db.func.current_timestamp()
    )
