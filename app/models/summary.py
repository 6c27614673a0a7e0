"""The village × quarter × indicator summary that quarter roll-ups can read instead of answers.

Each row is exactly what app/tallies.py computes for one reporting village, quarter and
indicator (its numerator and denominator from the village's latest live inspection of the quarter
holding the indicator's section); a village that did not report an indicator has no row. Two sets
of rows are kept, `approved_only` false (every live inspection) and true (approved ones only), so
the county's approved-only setting can change at any time without a rebuild. Township and zone
are not copied here: they are joined from villages at read time, and so are targets.
app/quarter_summary.py keeps the rows current inside every writing transaction.
"""

from app.extensions import db


class VillageQuarterFigure(db.Model):
    __tablename__ = "village_quarter_figures"

    quarter = db.Column(db.String(6), primary_key=True)
    approved_only = db.Column(db.Boolean, primary_key=True)
    village_id = db.Column(db.Integer, db.ForeignKey("villages.id"), primary_key=True)
    indicator = db.Column(db.String(64), primary_key=True)
    numerator = db.Column(db.Float, nullable=False)
    denominator = db.Column(db.Float, nullable=False)
