"""The roll-up summary: village × quarter tallies, their sums per township and county, and the
one-row state that says whether the summary is on.

`village_quarter_figures`: each row is exactly what app/rollups/tallies.py computes for one
reporting village, quarter and indicator (its numerator and denominator from the village's latest
live inspection of the quarter holding the indicator's section); a village that did not report an
indicator has no row. Two sets of rows are kept, `approved_only` false (every live inspection)
and true (approved ones only), so the county's approved-only setting can change at any time
without a rebuild. Township and zone are not copied here: they are joined from villages.

`area_quarter_figures`: the same rows summed per township (from the village rows) and per county
(from the township rows), per zone and indicator, with how many villages were summed; the row
with zone and indicator "*" counts the villages that reported at least one section (a village
reporting two indicators counts once, so it is not a sum of the other rows). A province roll-up
reads ~120 counties' rows instead of 25,000 villages'. Sums only: targets (per zone) and every
division stay in app/rollups/core.py.

`area_villages`: how many villages each township and county has per zone (reporting or not).
Kept exact, but no longer read by the roll-ups: they count the villages once per change to them
(app/reference.py), which serves the summary's readers and the answers' alike.

`summary_state`: one row. While `enabled`, every writing transaction keeps the tables above
exact (app/rollups/summary/quarter.py) and roll-ups read them; while not, writes leave them alone
(and empty) and roll-ups read the answers. The row is made by the migration and by create_all.
"""

from datetime import datetime

from sqlalchemy import DDL, event
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

ANY = "*"  # zone and indicator of the "villages that reported anything" row
AREA_LEVELS = ("township", "county")


class VillageQuarterFigure(db.Model):
    __tablename__ = "village_quarter_figures"

    quarter: Mapped[str] = mapped_column(db.String(6), primary_key=True)
    approved_only: Mapped[bool] = mapped_column(db.Boolean, primary_key=True)
    village_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("villages.id"), primary_key=True
    )
    indicator: Mapped[str] = mapped_column(db.String(64), primary_key=True)
    numerator: Mapped[float] = mapped_column(db.Float, nullable=False)
    denominator: Mapped[float] = mapped_column(db.Float, nullable=False)


class AreaQuarterFigure(db.Model):
    """Keyed for every use, each an index range: a roll-up reads one level, quarter, setting and
    its indicators (every area, or a few); a trend one indicator over many quarters; a write
    replaces a few areas of one quarter (both settings, every indicator named)."""

    __tablename__ = "area_quarter_figures"
    __table_args__ = (
        db.CheckConstraint(f"level IN {AREA_LEVELS!r}", name="level"),
        # PostgreSQL: the sums ride in the key's index, so a read of pages no write has touched
        # since the last VACUUM (every quarter but the current one) never visits the table;
        db.PrimaryKeyConstraint(
            "level",
            "quarter",
            "approved_only",
            "indicator",
            "area_id",
            "zone",
            postgresql_include=["numerator", "denominator", "villages"],
        ),
        # SQLite: the rows themselves in key order (a read is one range of the table)
        {"sqlite_with_rowid": False},
    )

    level: Mapped[str] = mapped_column(db.String(8))
    quarter: Mapped[str] = mapped_column(db.String(6))
    approved_only: Mapped[bool] = mapped_column(db.Boolean)
    indicator: Mapped[str] = mapped_column(db.String(64))
    area_id: Mapped[int] = mapped_column(db.Integer)  # a township's or a county's id
    zone: Mapped[str] = mapped_column(db.String(16))
    numerator: Mapped[float] = mapped_column(db.Float, nullable=False)
    denominator: Mapped[float] = mapped_column(db.Float, nullable=False)
    # reporting villages summed into this row
    villages: Mapped[int] = mapped_column(db.Integer, nullable=False)


class AreaVillageCount(db.Model):
    __tablename__ = "area_villages"
    __table_args__ = (db.CheckConstraint(f"level IN {AREA_LEVELS!r}", name="level"),)

    level: Mapped[str] = mapped_column(db.String(8), primary_key=True)
    area_id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    zone: Mapped[str] = mapped_column(db.String(16), primary_key=True)
    villages: Mapped[int] = mapped_column(db.Integer, nullable=False)


class SummaryState(db.Model):
    __tablename__ = "summary_state"
    __table_args__ = (db.CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True, autoincrement=False)
    enabled: Mapped[bool] = mapped_column(db.Boolean, nullable=False)
    changed_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    # the indicator definitions' fingerprint it was built from (IndicatorSet.fingerprint)
    definitions: Mapped[str | None] = mapped_column(db.String(64))


# create_all (tests, benches) makes the one row too, as migration 0010 does: writers lock it.
event.listen(
    SummaryState.__table__,
    "after_create",
    DDL("INSERT INTO summary_state (id, enabled) VALUES (1, false)"),
)
