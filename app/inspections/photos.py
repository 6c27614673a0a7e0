"""An inspection's photos: the inspection as a photo owner of the shared path (app/photos/store.py:
stored exactly once per phone photo id, cleaned, written before the row commits, decoded outside
any transaction) and its photos listed.

Photos are taken only for a live inspection not yet approved, for one of its form's sections (or
the inspection as a whole), and at most `PHOTO_MAX_PER_INSPECTION` of them.
"""

from dataclasses import dataclass

from app.accounts.audit import record
from app.extensions import db
from app.formdefs import FormSet
from app.inspections.integrity.photos import check_old, photo_arrived, print_of_inspection_photo
from app.models import Inspection, Photo, User
from app.photos.images import CleanImage
from app.photos.refusals import PhotoRefused

GENERAL_SECTION = "general"  # a photo of the inspection as a whole


def photo_sections(form_set: FormSet) -> set[str]:
    return {GENERAL_SECTION, form_set.profile.form_id} | {s.form_id for s in form_set.sections}


@dataclass
class InspectionPhotos:
    """The PhotoOwner (app/photos/store.py) of one inspection's photo of one section."""

    inspection: Inspection
    section: str
    actor: User
    form_set: FormSet
    max_photos: int
    table = Photo

    def check_request(self) -> None:
        if self.section not in photo_sections(self.form_set):
            raise PhotoRefused("section", self.section)

    def check_accepts(self) -> None:
        status, deleted_at = db.session.execute(
            db.select(Inspection.status, Inspection.deleted_at).where(
                Inspection.id == self.inspection.id
            )
        ).one()
        if deleted_at is not None:
            raise PhotoRefused("inspection_deleted")
        if status == "approved":  # its evidence is reviewed and final
            raise PhotoRefused("inspection_closed", status)
        count = db.session.scalar(
            db.select(db.func.count())
            .select_from(Photo)
            .where(Photo.inspection_id == self.inspection.id)
        )
        if count >= self.max_photos:
            raise PhotoRefused("too_many", f"{count} photos already")

    def holds(self, photo: Photo) -> bool:
        return photo.inspection_id == self.inspection.id

    def new_row(self, columns: dict, image: CleanImage) -> Photo:
        return Photo(
            **columns,
            inspection_id=self.inspection.id,
            section=self.section,
            taken_at=image.taken_at,
            phash=image.phash,
        )

    def recorded(self, photo: Photo) -> None:
        # Judged as it arrives (never refused): the same picture sent before, or an old one.
        photo_arrived(print_of_inspection_photo(photo))
        check_old(photo, self.inspection)
        record(
            "photo.create",
            photo,
            actor=self.actor,
            inspection=self.inspection.id,
            section=self.section,
        )


def photos_of(inspection: Inspection) -> list[Photo]:
    return (
        db.session.execute(
            db.select(Photo).where(Photo.inspection_id == inspection.id).order_by(Photo.id)
        )
        .scalars()
        .all()
    )
