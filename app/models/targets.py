"""Targets per indicator and zone, append-only so an old period keeps the target it had.

A row applies from `applies_from` (the first day of a quarter or year) until a later row for the
same indicator and zone. Zone `*` is the county default, used for zones without a row of their own
(notably villages whose zone is still `unknown`).

A row may carry its path (app/rollups/target_path.py): the baseline it starts from (value and date)
and the deadline by which `value` must be reached.
"""

from datetime import date, datetime

from sqlalchemy.orm import Mapped, mapped_column

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

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    indicator: Mapped[str] = mapped_column(db.String(64), nullable=False, index=True)
    zone: Mapped[str] = mapped_column(db.String(16), nullable=False, default="*")
    value: Mapped[float] = mapped_column(db.Float, nullable=False)  # a fraction, 0..1
    applies_from: Mapped[date] = mapped_column(db.Date, nullable=False)
    source: Mapped[str | None] = mapped_column(db.Text)  # e.g. "plan §5.4" or the admin who set it
    baseline_value: Mapped[float | None] = mapped_column(
        db.Float
    )  # a fraction, 0..1: where the path starts
    baseline_date: Mapped[date | None] = mapped_column(db.Date)
    deadline: Mapped[date | None] = mapped_column(db.Date)  # when `value` must be reached
    set_by_id: Mapped[int | None] = mapped_column(db.Integer, db.ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(
        db.DateTime(timezone=True), nullable=False, server_default=db.func.current_timestamp()
    )
