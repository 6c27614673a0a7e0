"""Importing a phone's rescue file: its unsent inspections, saved by the inspector as JSON.

Each entry goes through exactly what the phone would have sent: the inspection schema, then
`store_inspection` (idempotent by client_uuid), then `store_photo` for each photo (idempotent by
the photo's id). So importing a file twice, or a file whose entries partly reached the server
already, stores each inspection and photo once. A bad entry is reported and skipped; the others
are still stored, because each is the inspector's work and none depends on another.
"""

import base64
import binascii
from dataclasses import dataclass, field

from flask import current_app
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from app.clock import county_today
from app.extensions import db
from app.formdefs.registry import current_forms
from app.inspections.images import BrokenImage, NotAnImage
from app.inspections.photos import PhotoConflict, PhotoTooLarge, UnknownSection, store_photo
from app.inspections.storage import photo_storage
from app.inspections.store import OutOfScope, SubmissionConflict, VillageNotFound, store_inspection
from app.models import User
from app.views.api.errors import flatten


class RescueFileError(ValueError):
    pass


class RescuePhotoSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # the phone also keeps its own bookkeeping (state, sizes)

    client_photo_id = fields.UUID(required=True)
    section = fields.String(required=True)
    data = fields.String(required=True)  # base64 of the resized image


class RescueEntrySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    client_uuid = fields.UUID(required=True)
    payload = fields.Dict(required=True)
    photos = fields.List(fields.Nested(RescuePhotoSchema), load_default=list)


class RescueFileSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    format = fields.String(required=True, validate=validate.Equal("cunjian-rescue"))
    version = fields.Integer(required=True, validate=validate.Equal(1))
    username = fields.String(load_default=None)
    entries = fields.List(fields.Nested(RescueEntrySchema), required=True)


@dataclass
class RescueReport:
    created: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    photos_created: int = 0
    photos_already: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (client_uuid, why)

    def lines(self) -> list[str]:
        return [f"{uuid}: {why}" for uuid, why in self.problems]

    def summary(self) -> str:
        return (
            f"inspections: {len(self.created)} stored, {len(self.already)} already there, "
            f"{len(self.problems)} refused; photos: {self.photos_created} stored, "
            f"{self.photos_already} already there"
        )


def import_rescue(document, default_user: str | None) -> RescueReport:
    try:
        rescue = RescueFileSchema().load(document)
    except ValidationError as exc:
        raise RescueFileError(f"not a rescue file: {flatten(exc.messages)}") from None
    username = rescue["username"] or default_user
    actor = (
        db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()
        if username
        else None
    )
    if actor is None and default_user:
        actor = db.session.execute(
            db.select(User).where(User.username == default_user)
        ).scalar_one_or_none()
    if actor is None:
        raise RescueFileError(f"no user {username!r}: name one with --as-user")
    report = RescueReport()
    for entry in rescue["entries"]:
        _import_entry(entry, actor, report)
    return report


def _import_entry(entry: dict, actor: User, report: RescueReport) -> None:
    forms = current_forms()
    uuid = str(entry["client_uuid"])
    payload = dict(entry["payload"], client_uuid=uuid)
    try:
        data = forms.inspection_schema("en", county_today()).load(payload)
        stored = store_inspection(data, actor, forms.form_set)
    except ValidationError as exc:
        report.problems.append((uuid, f"invalid: {flatten(exc.messages)}"))
        return
    except (VillageNotFound, OutOfScope):
        report.problems.append((uuid, "village unknown or outside the user's township"))
        return
    except SubmissionConflict:
        report.problems.append((uuid, "already stored with other answers (conflict)"))
        return
    (report.created if stored.created else report.already).append(uuid)
    config = current_app.config
    for photo in entry["photos"]:
        try:
            raw = base64.b64decode(photo["data"].split(",")[-1], validate=True)
            saved = store_photo(
                stored.inspection,
                str(photo["client_photo_id"]),
                photo["section"],
                raw,
                actor,
                photo_storage(),
                forms.form_set,
                max_bytes=config["PHOTO_MAX_BYTES"],
                max_pixels=config["PHOTO_MAX_PIXELS"],
            )
        except (
            binascii.Error,
            ValueError,
            NotAnImage,
            BrokenImage,
            UnknownSection,
            PhotoTooLarge,
            PhotoConflict,
        ) as exc:
            report.problems.append(
                (uuid, f"photo {photo['client_photo_id']}: {type(exc).__name__} {exc}")
            )
            continue
        if saved.created:
            report.photos_created += 1
        else:
            report.photos_already += 1
