"""What the phone shows and keeps of the sites (issue 23): each village's open sites with what is
due this month (a site drawn for the month's sampling and not yet sampled), for the village list
and the offline data alike.

Two statements whatever the number of villages (tests/house/test_statement_budget.py): the open
sites of the villages with their month's draw (an outer join), then the month's inspections of
those villages' sites (whether each drawn site was sampled is the kind's `sampled_when` answer,
read in Python as app/sites/plan.py does). Nothing is drawn here: a read never writes; the
draw is made by the 待办 page, the sampling page or the offline data (app/sites/todo.py).
"""

from dataclasses import dataclass
from datetime import date

from app.extensions import db
from app.models import SamplingDraw, Site, SiteInspection
from app.periods import month_of, parse_month
from app.sites.kinds import site_kinds
from app.sites.plan import _sampled


@dataclass(frozen=True)
class PhoneSite:
    code: str
    name: str
    kind: str
    village_id: int
    due_on: date | None  # drawn this month and not yet sampled: sample it by then


def sites_by_village(village_ids: list[int], today: date) -> dict[int, list[PhoneSite]]:
    """{village id: its open sites, by code}; villages without sites are absent."""
    if not village_ids:
        return {}
    month = month_of(today)
    period = parse_month(month)
    draw = db.and_(
        SamplingDraw.site_id == Site.id,
        SamplingDraw.kind == Site.kind,
        SamplingDraw.month == month,
        SamplingDraw.source != "removed",
    )
    rows = db.session.execute(
        db.select(Site.id, Site.code, Site.name, Site.kind, Site.village_id, SamplingDraw.due_on)
        .outerjoin(SamplingDraw, draw)
        .where(Site.village_id.in_(village_ids), Site.status == "open")
        .order_by(Site.code)
    ).all()
    visits = db.session.execute(
        db.select(SiteInspection.site_id, SiteInspection.answers)
        .join(Site, Site.id == SiteInspection.site_id)
        .where(
            Site.village_id.in_(village_ids),
            SiteInspection.inspected_on.between(period.start, period.end),
        )
    ).all()
    kinds = site_kinds()
    kind_of = {row.id: row.kind for row in rows}
    sampled = {
        site_id
        for site_id, answers in visits
        if site_id in kind_of
        and kind_of[site_id] in kinds
        and _sampled(kinds[kind_of[site_id]], answers or {})
    }
    out: dict[int, list[PhoneSite]] = {}
    for row in rows:
        if row.kind not in kinds:
            continue  # a kind no longer in forms/sites/
        due = row.due_on if row.due_on is not None and row.id not in sampled else None
        out.setdefault(row.village_id, []).append(
            PhoneSite(row.code, row.name, row.kind, row.village_id, due)
        )
    return out
