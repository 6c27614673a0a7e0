"""Photos of a problem: as found, of the fix, of the re-check. The problem is a photo owner of the
shared path (app/photos/store.py: stored exactly once per phone photo id, cleaned, written before
the row commits, decoded outside any transaction). Which role may add which stage: whoever records
a problem adds what they found; the township (lead) adds its fix; an inspector adds the re-check.
A closed problem takes only the passing re-check's own photos, from the person who passed it (the
phone sends them after the step that closed it). At most `PHOTO_MAX_PER_PROBLEM` photos in all,
each audited as an inspection's photo is."""

from dataclasses import dataclass

from app.accounts.audit import record
from app.extensions import db
from app.inspections.integrity.photos import photo_arrived, print_of_problem_photo
from app.models import Problem, ProblemEvent, ProblemPhoto, User
from app.photos.images import CleanImage
from app.photos.refusals import PhotoRefused
from app.problems import ledger

STAGE_ROLES = {
    "found": frozenset({"inspector", "township_lead", "county_admin"}),
    "fix": frozenset({"township_lead", "county_admin"}),
    "recheck": frozenset({"inspector", "county_admin"}),
}


@dataclass
class ProblemPhotos:
    """The PhotoOwner (app/photos/store.py) of one problem's photo of one stage."""

    problem: Problem
    stage: str
    actor: User
    max_photos: int
    table = ProblemPhoto

    def check_request(self) -> None:
        pass  # the stage is one of STAGE_ROLES: the upload schema checked it

    def check_accepts(self) -> None:
        db.session.refresh(self.problem)  # its status as of this transaction
        if self.actor.role not in STAGE_ROLES[self.stage]:
            raise PhotoRefused("stage_role", f"{self.actor.role} adds no {self.stage} photo")
        if self.problem.status == ledger.CLOSED and not self._closers_recheck():
            raise PhotoRefused("problem_closed")
        count = db.session.scalar(
            db.select(db.func.count())
            .select_from(ProblemPhoto)
            .where(ProblemPhoto.problem_id == self.problem.id)
        )
        if count >= self.max_photos:
            raise PhotoRefused("problem_too_many", f"{count} photos already")

    def _closers_recheck(self) -> bool:
        closer = db.session.scalar(
            db.select(ProblemEvent.actor_id)
            .where(ProblemEvent.problem_id == self.problem.id)
            .where(ProblemEvent.status_to == ledger.CLOSED)
            .order_by(ProblemEvent.number.desc())
            .limit(1)
        )
        return self.stage == "recheck" and closer == self.actor.id

    def holds(self, photo: ProblemPhoto) -> bool:
        return photo.problem_id == self.problem.id

    def new_row(self, columns: dict, image: CleanImage) -> ProblemPhoto:
        return ProblemPhoto(
            **columns, problem_id=self.problem.id, stage=self.stage, phash=image.phash
        )

    def recorded(self, photo: ProblemPhoto) -> None:
        record(
            "problem_photo.create",
            photo,
            actor=self.actor,
            problem=self.problem.id,
            stage=self.stage,
        )
        # A photo reusing another inspection's is flagged on the problem's inspection.
        photo_arrived(print_of_problem_photo(photo, self.problem))
