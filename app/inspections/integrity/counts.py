"""Flags counted per quarter, township and inspector, within the actor's scope: the table on
/inspect/flags and on the county's data-quality page, and the rows of its export. A flag counts
once however much evidence it holds; cleared ones are counted apart (the lead has looked)."""

from dataclasses import dataclass, field

from sqlalchemy import case, func

from app.accounts.access import limit_to_scope
from app.extensions import db
from app.models import Inspection, InspectionFlag, Township, User, Village


@dataclass
class CountRow:
    quarter: str
    township: str
    inspector: str
    open: dict[str, int] = field(default_factory=dict)  # kind → flags not cleared
    total: dict[str, int] = field(default_factory=dict)  # kind → all flags

    @property
    def open_sum(self) -> int:
        return sum(self.open.values())


def flag_counts(quarter: str | None = None) -> list[CountRow]:
    """One row per (quarter, township, inspector) with any flag, newest quarter first."""
    statement = (
        db.select(
            Inspection.quarter,
            Township.name,
            User.username,
            InspectionFlag.kind,
            func.count(),
            func.sum(case((InspectionFlag.cleared_at.is_(None), 1), else_=0)),
        )
        .join(Inspection, Inspection.id == InspectionFlag.inspection_id)
        .join(Village, Village.id == Inspection.village_id)
        .join(Township, Township.id == Village.township_id)
        .join(User, User.id == Inspection.inspector_id)
        .where(Inspection.deleted_at.is_(None))
        .group_by(Inspection.quarter, Township.name, User.username, InspectionFlag.kind)
    )
    if quarter is not None:
        statement = statement.where(Inspection.quarter == quarter)
    rows: dict[tuple, CountRow] = {}
    for q, township, inspector, kind, total, still_open in db.session.execute(
        limit_to_scope(statement)
    ):
        row = rows.setdefault((q, township, inspector), CountRow(q, township, inspector))
        row.total[kind], row.open[kind] = int(total), int(still_open or 0)
    return sorted(rows.values(), key=lambda r: (_desc(r.quarter), r.township, r.inspector))


def _desc(quarter: str) -> str:
    """Newest first in an ascending sort: 2026Q4 before 2026Q3."""
    return "".join(chr(255 - ord(c)) for c in quarter)


def flag_rows(quarter: str | None = None):
    """(flag, inspection, village, township, inspector name) of live inspections in scope,
    newest first: the rows of the flags export."""
    statement = (
        db.select(InspectionFlag, Inspection, Village, Township.name, User.username)
        .join(Inspection, Inspection.id == InspectionFlag.inspection_id)
        .join(Village, Village.id == Inspection.village_id)
        .join(Township, Township.id == Village.township_id)
        .join(User, User.id == Inspection.inspector_id)
        .where(Inspection.deleted_at.is_(None))
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc(), InspectionFlag.kind)
    )
    if quarter is not None:
        statement = statement.where(Inspection.quarter == quarter)
    return db.session.execute(limit_to_scope(statement)).all()
