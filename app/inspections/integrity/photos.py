"""`photo_reused` and `photo_old`: judged when a photo arrives (in the transaction that stores
it) and by the rebuild.

Every photo with a hash, of an inspection or of a problem, is a print: its hash and its context,
the inspection it belongs to (a problem's photo belongs to the problem's inspection, when it was
recorded on one). A new photo matching an earlier print of another context is a reuse; photos of
one context may match each other (a retake, or the problem's own photo of what the inspection
found). The flag goes on the new photo's inspection; a problem recorded on no inspection has no
inspection to flag, but its photos are still prints a later inspection's photo is judged against.
Distances are computed on all prints at once (numpy popcount of XOR), a few milliseconds for a
county's tens of thousands of photos.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy

from app.extensions import db
from app.inspections.integrity.flags import raise_flag, setting
from app.models import Inspection, Photo, Problem, ProblemPhoto

MAX_MATCHES = 5  # per photo: the evidence names the closest, not every copy ever sent
INSPECTION, PROBLEM = "inspection", "problem"


@dataclass(frozen=True)
class Print:
    owner: str  # INSPECTION | PROBLEM
    photo_id: int
    phash: str
    inspection_id: int | None  # the context: whose photos may match each other
    problem_id: int | None
    created_at: datetime

    @property
    def key(self) -> list:
        return [self.owner, self.photo_id]


def all_prints() -> list[Print]:
    """Every hashed photo of a live inspection and of any problem, oldest first."""
    inspection_photos = db.session.execute(
        db.select(Photo.id, Photo.phash, Photo.inspection_id, Photo.created_at)
        .join(Inspection, Inspection.id == Photo.inspection_id)
        .where(Photo.phash.is_not(None), Inspection.deleted_at.is_(None))
    ).all()
    problem_photos = db.session.execute(
        db.select(
            ProblemPhoto.id,
            ProblemPhoto.phash,
            Problem.inspection_id,
            ProblemPhoto.problem_id,
            ProblemPhoto.created_at,
        )
        .join(Problem, Problem.id == ProblemPhoto.problem_id)
        .where(ProblemPhoto.phash.is_not(None))
    ).all()
    prints = [Print(INSPECTION, i, h, ins, None, at) for i, h, ins, at in inspection_photos]
    prints += [Print(PROBLEM, i, h, ins, pr, at) for i, h, ins, pr, at in problem_photos]
    return sorted(prints, key=lambda p: (_naive(p.created_at), p.owner, p.photo_id))


def print_of_inspection_photo(photo: Photo) -> Print:
    return Print(INSPECTION, photo.id, photo.phash, photo.inspection_id, None, photo.created_at)


def print_of_problem_photo(photo: ProblemPhoto, problem: Problem) -> Print:
    return Print(
        PROBLEM, photo.id, photo.phash, problem.inspection_id, problem.id, photo.created_at
    )


def as_array(prints: list[Print]) -> numpy.ndarray:
    return numpy.array([int(p.phash, 16) for p in prints], dtype=numpy.uint64)


def reuse_evidence(new: Print, earlier: list[Print], hashes: numpy.ndarray) -> list[dict]:
    """The earlier prints of other contexts within the threshold of `new`, closest first.
    `hashes` is as_array(earlier)."""
    if not earlier or new.phash is None:
        return []
    bits = numpy.bitwise_count(hashes ^ numpy.uint64(int(new.phash, 16)))
    limit = int(setting("PHOTO_REUSE_MAX_BITS"))
    found = []
    for index in numpy.flatnonzero(bits <= limit):
        other = earlier[int(index)]
        if _same_context(new, other):
            continue
        found.append((int(bits[index]), other))
    found.sort(key=lambda pair: pair[0])
    return [
        {
            "photo": new.key,
            "original": other.key,
            "original_inspection": other.inspection_id,
            "original_problem": other.problem_id,
            "bits": distance,
        }
        for distance, other in found[:MAX_MATCHES]
    ]


def _same_context(a: Print, b: Print) -> bool:
    if a.problem_id is not None and a.problem_id == b.problem_id:
        return True
    return a.inspection_id is not None and a.inspection_id == b.inspection_id


def photo_arrived(new: Print) -> None:
    """Judge a photo just stored (its row flushed): reuse against every earlier print."""
    if new.inspection_id is None or new.phash is None:
        return
    earlier = [p for p in all_prints() if p.key != new.key]
    matches = reuse_evidence(new, earlier, as_array(earlier))
    if matches:
        raise_flag(new.inspection_id, "photo_reused", {"matches": matches})


def old_photo_evidence(photo_id: int, taken_at: str | None, inspected_on: date) -> dict | None:
    """One photo's line of `photo_old` evidence, or None when it is recent or has no time."""
    taken = taken_date(taken_at)
    if taken is None:
        return None
    days = (inspected_on - taken).days
    if days < int(setting("PHOTO_OLD_DAYS")):
        return None
    return {"photo": photo_id, "taken_at": taken_at, "days": days}


def check_old(photo: Photo, inspection: Inspection) -> None:
    line = old_photo_evidence(photo.id, photo.taken_at, inspection.inspected_on)
    if line is not None:
        raise_flag(
            inspection.id,
            "photo_old",
            {"photos": [line], "limit_days": int(setting("PHOTO_OLD_DAYS"))},
        )


def taken_date(taken_at: str | None) -> date | None:
    """The camera's "YYYY:MM:DD HH:MM:SS" as a date (its own local time: a day either way is
    nothing at a threshold of weeks)."""
    try:
        return datetime.strptime(taken_at or "", "%Y:%m:%d %H:%M:%S").date()
    except ValueError:
        return None


def _naive(moment: datetime) -> datetime:
    """SQLite hands stored times back naive (UTC), PostgreSQL aware: comparable either way."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
