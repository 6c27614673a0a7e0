"""Coefficients for field estimates (excretion per head and day, straw-to-grain ratios, film per
亩), append-only like targets: a new value is a new edition with the date it applies from, so an
estimate stored earlier still names the edition it used and that edition stays readable.

`grade` is the confidence code of the research note (A two sources agree · B one source · C a
secondary summary · D derived by arithmetic · U unverified recollection); `unverified` marks a
value nobody has checked against its official text, and is shown wherever the value is used.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

if TYPE_CHECKING:  # the relationships' targets, for the annotations only
    from app.models.users import User

GRADES = ("A", "B", "C", "D", "U")


class Coefficient(db.Model):
    __tablename__ = "coefficients"
    __table_args__ = (
        db.UniqueConstraint("key", "applies_from", "set_at", name="uq_coefficients_edition"),
        db.CheckConstraint(f"grade IN {GRADES!r}", name="grade"),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    key: Mapped[str] = mapped_column(db.String(64), nullable=False, index=True)  # "manure.pig.days"
    label_zh: Mapped[str] = mapped_column(db.Text, nullable=False)
    label_en: Mapped[str] = mapped_column(db.Text, nullable=False)
    value: Mapped[float] = mapped_column(db.Float, nullable=False)
    unit: Mapped[str] = mapped_column(
        db.String(32), nullable=False
    )  # "kg/头·日", "日", "" for a ratio
    scope: Mapped[str] = mapped_column(
        db.Text, nullable=False
    )  # "national, 散养" — where the value holds
    source: Mapped[str] = mapped_column(db.Text, nullable=False)
    grade: Mapped[str] = mapped_column(db.String(2), nullable=False)
    unverified: Mapped[bool] = mapped_column(db.Boolean, nullable=False, default=False)
    applies_from: Mapped[date] = mapped_column(db.Date, nullable=False)
    note: Mapped[str] = mapped_column(db.Text, nullable=False, default="")
    set_by_id: Mapped[int | None] = mapped_column(db.Integer, db.ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(
        db.DateTime(timezone=True), nullable=False, server_default=db.func.current_timestamp()
    )

    set_by: Mapped["User | None"] = db.relationship()
