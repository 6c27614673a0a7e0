"""Coefficients for field estimates (excretion per head and day, straw-to-grain ratios, film per
亩), append-only like targets: a new value is a new edition with the date it applies from, so an
estimate stored earlier still names the edition it used and that edition stays readable.

`grade` is the confidence code of the research note (A two sources agree · B one source · C a
secondary summary · D derived by arithmetic · U unverified recollection); `unverified` marks a
value nobody has checked against its official text, and is shown wherever the value is used.
"""

from app.extensions import db

GRADES = ("A", "B", "C", "D", "U")


class Coefficient(db.Model):
    __tablename__ = "coefficients"
    __table_args__ = (
        db.UniqueConstraint("key", "applies_from", "set_at", name="uq_coefficients_edition"),
        db.CheckConstraint(f"grade IN {GRADES!r}", name="grade"),
    )

    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(64), nullable=False, index=True)  # "manure.pig.days"
    label_zh = db.Column(db.Text, nullable=False)
    label_en = db.Column(db.Text, nullable=False)
    value = db.Column(db.Float, nullable=False)
    unit = db.Column(db.String(32), nullable=False)  # "kg/头·日", "日", "" for a ratio
    scope = db.Column(db.Text, nullable=False)  # "national, 散养" — where the value holds
    source = db.Column(db.Text, nullable=False)
    grade = db.Column(db.String(2), nullable=False)
    unverified = db.Column(db.Boolean, nullable=False, default=False)
    applies_from = db.Column(db.Date, nullable=False)
    note = db.Column(db.Text, nullable=False, default="")
    set_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    set_at = db.Column(
        db.DateTime(timezone=True), nullable=False, server_default=db.func.current_timestamp()
    )

    set_by = db.relationship("User")
