"""Setting a target, one way for the targets page (/admin/targets) and for a county workbook's
own indicator (issue 22): a new row of `targets` with its audit event. The page checks the
path with app/formdefs/target_rules.py and so does the workbook's check, and a workbook's
target applies from the current quarter on, the earliest the page allows: past quarters keep
the target they were judged by.

Shared by two blueprints (targets_admin, and forms_service's users), so it lives beside them.
"""

from datetime import date

from app.accounts.audit import record
from app.clock import county_today
from app.models import Target
from app.periods import parse_period, quarter_of
from app.rollups.target_path import TargetPath
from app.rollups.targets import DEFAULT_ZONE, add_target, history


def set_target(indicator: str, zone: str, path: TargetPath, applies_from: date, actor, source):
    row = add_target(indicator, zone, path.value, applies_from, actor, source=source, path=path)
    record(
        "target.change",
        row,
        actor=actor,
        indicator=row.indicator,
        zone=row.zone,
        value=row.value,
        applies_from=row.applies_from.isoformat(),
    )
    return row


def set_workbook_targets(definition: dict | None, source: str, actor) -> list[Target]:
    """The county-wide target of each county indicator of a just-published form version whose
    target differs from that indicator's latest row (a version that only relabels sets none)."""
    start = parse_period(quarter_of(county_today())).start
    rows = []
    for indicator in (definition or {}).get("indicators", []):
        target = indicator.get("target")
        if not target:
            continue
        baseline = target.get("baseline")
        path = TargetPath(
            target["value"],
            baseline["value"] if baseline else None,
            date.fromisoformat(baseline["date"]) if baseline else None,
            date.fromisoformat(target["deadline"]) if target.get("deadline") else None,
        )
        if _latest_path(indicator["key"]) != path:
            rows.append(set_target(indicator["key"], DEFAULT_ZONE, path, start, actor, source))
    return rows


def _latest_path(indicator: str) -> TargetPath | None:
    rows = [r for r in history(indicator) if r.zone == DEFAULT_ZONE]
    if not rows:
        return None
    last = max(rows, key=lambda r: (r.applies_from, r.set_at, r.id))
    return TargetPath(last.value, last.baseline_value, last.baseline_date, last.deadline)
