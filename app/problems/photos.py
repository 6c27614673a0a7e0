"""Photos of a problem: as found, of the fix, of the re-check. Stored exactly once per phone photo
id, cleaned like an inspection's photos (app/inspections/images.py) and written before the row
commits (the reasoning of app/inspections/photos.py). Which role may add which stage: whoever
records a problem
adds what
they found; the township (lead) adds its fix; an inspector adds the re-check. A closed problem
takes only re-check photos (the passing re-check's own, sent after it closed it)."""

import hashlib

from sqlalchemy.exc import IntegrityError

from app.clock import utc_now
from app.db import end_read_transaction, reads_before_writes
from app.extensions import db
from app.inspections import photo_gate
from app.inspections.photos import PhotoConflict, PhotoTooLarge, new_key
from app.inspections.storage import PhotoStorage
from app.models import Problem, ProblemPhoto, User
from app.problems import ledger

STAGE_ROLES = {
    "found": frozenset({"inspector", "township_lead", "county_admin"}),
    "fix": frozenset({"township_lead", "county_admin"}),
    "recheck": frozenset({"inspector", "county_admin"}),
}


class StageRefused(Exception):
    """Not this role's stage, or the problem is closed (403 / 409)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "role" | "closed"


def check_stage(problem: Problem, stage: str, actor: User) -> None:
    if actor.role not in STAGE_ROLES[stage]:
        raise StageRefused("role")
    if problem.status == ledger.CLOSED and stage != "recheck":
        raise StageRefused("closed")


def store_problem_photo(
    problem,
    client_photo_id,
    stage,
    data,
    actor,
    storage: PhotoStorage,
    *,
    max_bytes: int,
    max_pixels: int,
    decode_slots: int,
) -> tuple[ProblemPhoto, bool]:
    if len(data) > max_bytes:
        raise PhotoTooLarge(f"{len(data)} bytes > {max_bytes}")
    digest = hashlib.sha256(data).hexdigest()
    # As an inspection's photo (app/inspections/photos.py): the checks read, the read ends, the
    # image is decoded (header checked first, a bounded number at a time) with no lock held, and
    # the write transaction only checks again and inserts.
    with reads_before_writes():
        existing = _by_client_id(client_photo_id)
        if existing is not None:
            return _replay(existing, problem, digest), False
        check_stage(problem, stage, actor)
    end_read_transaction()
    image = photo_gate.clean_bounded(data, max_pixels, decode_slots)
    now = utc_now()
    key = new_key(image.extension, now)
    storage.put(key, image.data, image.content_type)
    db.session.refresh(problem)
    check_stage(problem, stage, actor)  # again, in the write transaction that inserts
    photo = ProblemPhoto(
        client_photo_id=client_photo_id,
        problem_id=problem.id,
        stage=stage,
        storage_key=key,
        content_type=image.content_type,
        byte_size=len(image.data),
        width=image.width,
        height=image.height,
        upload_sha256=digest,
        uploader_id=actor.id,
        created_at=now,
    )
    db.session.add(photo)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _by_client_id(client_photo_id)
        if existing is None:
            raise
        return _replay(existing, problem, digest), False
    return photo, True


def _by_client_id(client_photo_id: str) -> ProblemPhoto | None:
    return db.session.execute(
        db.select(ProblemPhoto).where(ProblemPhoto.client_photo_id == client_photo_id)
    ).scalar_one_or_none()


def _replay(existing: ProblemPhoto, problem: Problem, digest: str) -> ProblemPhoto:
    if existing.problem_id != problem.id or existing.upload_sha256 != digest:
        raise PhotoConflict(existing.client_photo_id)
    return existing
