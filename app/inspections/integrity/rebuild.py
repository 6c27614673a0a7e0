"""`flask rebuild-flags`: the integrity flags recomputed for everything stored, e.g. after this
feature arrived or a threshold changed. Photos stored without a hash are hashed first (their
cleaned copy, read back from storage). Every live inspection's integrity flags are then made
again from scratch: reuse judged in the order photos arrived (the earlier is the original), as
on arrival; a flag the checks still find keeps its clearing unless it gained evidence; one they no
longer find goes. The location flags are not touched (edits keep those current)."""

from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app

from app.extensions import db
from app.formdefs.registry import current_forms
from app.inspections.integrity import entry, places
from app.inspections.integrity.flags import raise_flag, setting, withdraw_flag
from app.inspections.integrity.photos import (
    all_prints,
    as_array,
    old_photo_evidence,
    reuse_evidence,
)
from app.models import INTEGRITY_FLAG_KINDS, Answer, Inspection, Photo, ProblemPhoto
from app.photos.images import fingerprint_of
from app.photos.refusals import PhotoRefused
from app.photos.storage import photo_storage


@dataclass
class Rebuilt:
    hashed: int = 0
    unreadable: int = 0
    inspections: int = 0
    flags: dict[str, int] = field(default_factory=dict)  # kind → inspections flagged


def hash_missing() -> tuple[int, int]:
    """(hashed, unreadable) photos that had no hash."""
    storage, limit = photo_storage(), current_app.config["PHOTO_MAX_PIXELS"]
    hashed = unreadable = 0
    for table in (Photo, ProblemPhoto):
        rows = db.session.execute(db.select(table).where(table.phash.is_(None))).scalars().all()
        for photo in rows:
            try:
                photo.phash = fingerprint_of(storage.get(photo.storage_key), limit)
            except (OSError, PhotoRefused):
                unreadable += 1
                continue
            hashed += photo.phash is not None
    db.session.flush()
    return hashed, unreadable


def rebuild_flags() -> Rebuilt:
    report = Rebuilt()
    report.hashed, report.unreadable = hash_missing()
    found: dict[int, dict[str, dict]] = defaultdict(dict)  # inspection → kind → evidence
    _reuse(found)
    _old(found)
    _entry(found)
    live = db.session.execute(
        db.select(Inspection.id).where(Inspection.deleted_at.is_(None)).order_by(Inspection.id)
    ).scalars()
    for inspection_id in live:
        report.inspections += 1
        for kind in INTEGRITY_FLAG_KINDS:
            evidence = found.get(inspection_id, {}).get(kind)
            if kind == "same_place":
                continue  # below: a group flags each of its members
            if evidence is None:
                withdraw_flag(inspection_id, kind)
            else:
                raise_flag(inspection_id, kind, evidence, replace=True)
                report.flags[kind] = report.flags.get(kind, 0) + 1
    _same_place(report)
    return report


def _reuse(found) -> None:
    prints = all_prints()
    matches: dict[int, list] = defaultdict(list)
    for index, new in enumerate(prints):
        if new.inspection_id is None:
            continue
        earlier = prints[:index]
        matches[new.inspection_id] += reuse_evidence(new, earlier, as_array(earlier))
    for inspection_id, lines in matches.items():
        if lines:
            found[inspection_id]["photo_reused"] = {"matches": lines}


def _old(found) -> None:
    rows = db.session.execute(
        db.select(Photo.id, Photo.taken_at, Photo.inspection_id, Inspection.inspected_on)
        .join(Inspection, Inspection.id == Photo.inspection_id)
        .where(Photo.taken_at.is_not(None))
        .order_by(Photo.id)
    ).all()
    for photo_id, taken_at, inspection_id, inspected_on in rows:
        line = old_photo_evidence(photo_id, taken_at, inspected_on)
        if line is not None:
            evidence = found[inspection_id].setdefault(
                "photo_old", {"photos": [], "limit_days": int(setting("PHOTO_OLD_DAYS"))}
            )
            evidence["photos"].append(line)


def _entry(found) -> None:
    form_set = current_forms().form_set
    answers: dict[int, list] = defaultdict(list)
    for answer in db.session.execute(db.select(Answer)).scalars():
        answers[answer.inspection_id].append(answer)
    rows = db.session.execute(
        db.select(Inspection).where(Inspection.deleted_at.is_(None)).order_by(Inspection.id)
    ).scalars()
    for inspection in rows:
        mine = answers.get(inspection.id, [])
        sections = {a.section for a in mine if a.section != form_set.profile.form_id}
        speed = entry.speed_evidence(
            inspection.opened_at, inspection.saved_at, entry.is_full(sections, form_set)
        )
        if speed is not None:
            found[inspection.id]["too_fast"] = speed
        copied = entry.copy_evidence(inspection.id, inspection.village_id, inspection.quarter, mine)
        if copied is not None:
            found[inspection.id]["copied_answers"] = copied


def _same_place(report: Rebuilt) -> None:
    live = db.session.execute(
        db.select(Inspection.id).where(Inspection.deleted_at.is_(None)).order_by(Inspection.id)
    ).scalars()
    flagged = set()
    for inspection_id in list(live):
        day, lines = places.same_place_group(inspection_id)
        if lines:
            raise_flag(
                inspection_id, "same_place", {"day": day.isoformat(), "others": lines}, replace=True
            )
            flagged.add(inspection_id)
        else:
            withdraw_flag(inspection_id, "same_place")
    report.flags["same_place"] = len(flagged)
