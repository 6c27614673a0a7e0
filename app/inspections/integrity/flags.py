"""Raising, withdrawing and clearing a flag: one row per (inspection, kind), its evidence a JSON
object whose lists gather what each check found (photos, inspections).

A check that finds more (a second reused photo, a third village at the same desk) adds to the
lists; a cleared flag that gains new evidence is open again, since the lead cleared what they saw,
not what came later. A lead clears a flag only with a reason, recorded in the audit log.
"""

from flask import current_app

from app.accounts.audit import record
from app.clock import utc_now
from app.extensions import db
from app.models import FLAG_KINDS, InspectionFlag

REASON_MAX = 500


class ClearRefused(Exception):
    """No reason given, or the flag is cleared already."""


def flag_of(inspection_id: int, kind: str) -> InspectionFlag | None:
    return db.session.execute(
        db.select(InspectionFlag).where(
            InspectionFlag.inspection_id == inspection_id, InspectionFlag.kind == kind
        )
    ).scalar_one_or_none()


def raise_flag(inspection_id: int, kind: str, evidence: dict, replace: bool = False) -> None:
    """Flag the inspection `kind` with `evidence` added to (or, `replace`, instead of) what the
    flag holds."""
    if kind not in FLAG_KINDS:
        raise KeyError(f"no flag kind {kind!r}")
    flag = flag_of(inspection_id, kind)
    if flag is None:
        db.session.add(
            InspectionFlag(
                inspection_id=inspection_id, kind=kind, evidence=evidence, created_at=utc_now()
            )
        )
        db.session.flush()
        return
    old = flag.evidence or {}
    new = evidence if replace else merged(old, evidence)
    if flag.cleared_at is not None and _adds(old, new):
        flag.cleared_at, flag.cleared_by_id, flag.clear_reason = None, None, None
    flag.evidence = new


def withdraw_flag(inspection_id: int, kind: str) -> None:
    """The check no longer finds it (a rebuild): the flag goes, cleared or not."""
    flag = flag_of(inspection_id, kind)
    if flag is not None:
        db.session.delete(flag)
        db.session.flush()


def merged(old: dict, new: dict) -> dict:
    """`new`'s values over `old`'s; lists joined, each item once."""
    out = dict(old)
    for key, value in new.items():
        if isinstance(value, list) and isinstance(old.get(key), list):
            out[key] = old[key] + [item for item in value if item not in old[key]]
        else:
            out[key] = value
    return out


def _adds(old: dict, new: dict) -> bool:
    return any(
        isinstance(value, list) and any(item not in (old.get(key) or []) for item in value)
        for key, value in new.items()
    )


def clear_flag(flag: InspectionFlag, actor, reason: str) -> None:
    """The lead has looked and the inspection stands: the flag is cleared, with the reason."""
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise ClearRefused("a reason of 1 to 500 characters is needed")
    if flag.cleared_at is not None:
        raise ClearRefused("already cleared")
    flag.cleared_at, flag.cleared_by_id, flag.clear_reason = utc_now(), actor.id, reason
    record(
        "flag.clear",
        flag.inspection,
        actor=actor,
        kind=flag.kind,
        flag=flag.id,
        reason=reason,
    )


def setting(name: str):
    return current_app.config[name]
