"""Importing a phone's rescue file: its unsent inspections, saved by the inspector as JSON.

Each entry goes through exactly what the phone would have sent: the inspection schema, then
`store_inspection` (idempotent by client_uuid), then `store_photo` for each photo (idempotent by
the photo's id). An edit entry (`kind: "edit"`, a correction made on the phone) goes through the
PUT's path instead (app/inspections/corrections.py: its base revision checked, untouched sections
kept) and never becomes a new inspection; an old file without `kind` holding a stored inspection's
uuid is a replay or a conflict, never a second inspection either. So importing a file twice, or a
file whose entries partly reached the server already, stores each inspection and photo once. A bad
entry is reported and skipped; the others are still stored, because each is the inspector's
work and none depends on another.

Site inspections (issue 23) travel in the same file as `kind: "site"` entries; app/sites lies
above this package, so the callers hand `import_rescue` their handler (app/sites/rescue.py
SITE_HANDLERS), which stores each through POST /api/v1/site-inspections' own path.

Both doors call `import_rescue`: a county admin's upload (/admin/rescue, app/views/offline) and
`flask --app wsgi import-rescue FILE` (app/cli.py).
"""

import base64
import binascii
import json
from dataclasses import dataclass, field

from flask import current_app
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from app.accounts.audit import record
from app.accounts.policy import allowed
from app.clock import county_today
from app.extensions import db
from app.formdefs.entered_under import forms_entered_under, schema_for, versions_of
from app.formdefs.registry import current_forms
from app.inspections.changes import NotYours, check_may_change
from app.inspections.corrections import StaleRevision, apply_correction, split_correction
from app.inspections.photos import InspectionPhotos
from app.inspections.review import TransitionRefused
from app.inspections.store import OutOfScope, SubmissionConflict, VillageNotFound, store_inspection
from app.models import Inspection, User
from app.photos.refusals import PhotoRefused
from app.photos.storage import photo_storage
from app.photos.store import PhotoLimits, store_photo
from app.validation_messages import flatten


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
    # A correction of a stored inspection (the phone's edit entry), never a new inspection.
    # "site": a site inspection (issue 23), stored by the handler the caller names
    kind = fields.String(load_default="new", validate=validate.OneOf(["new", "edit", "site"]))
    base_revision = fields.Integer(load_default=None, allow_none=True)
    remove_sections = fields.List(fields.String(), load_default=list)


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
    corrected: list[str] = field(default_factory=list)  # edits stored (or stored before)
    photos_created: int = 0
    photos_already: int = 0
    sites_created: list[str] = field(default_factory=list)  # site inspections (issue 23)
    sites_already: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (client_uuid, why)

    def lines(self) -> list[str]:
        return [f"{uuid}: {why}" for uuid, why in self.problems]

    def summary(self) -> str:
        return (
            f"inspections: {len(self.created)} stored, {len(self.already)} already there, "
            f"{len(self.problems)} refused; photos: {self.photos_created} stored, "
            f"{self.photos_already} already there; corrections: {len(self.corrected)} stored; "
            f"site inspections: {len(self.sites_created)} stored, "
            f"{len(self.sites_already)} already there"
        )


def read_rescue_json(raw: bytes):
    """The uploaded file's bytes as JSON, or a RescueFileError saying it is not JSON."""
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise RescueFileError("not a JSON file") from None


def import_rescue(document, default_user: str | None, handlers=None) -> RescueReport:
    """`handlers` {entry kind: handler(entry, actor, report)} store the entries of other kinds
    (app/sites/rescue.py SITE_HANDLERS); without one, such an entry is refused, not lost."""
    handlers = handlers or {}
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
    if not actor.active or not allowed(actor.role, "inspection.create"):
        # Stored in someone's name means recorded by them: only a person who may record now.
        raise RescueFileError(
            f"user {actor.username!r} may not record inspections (inactive, or a {actor.role})"
        )
    report = RescueReport()
    for entry in rescue["entries"]:
        if entry["kind"] in handlers:
            handlers[entry["kind"]](entry, actor, report)
        elif entry["kind"] in ("new", "edit"):
            _import_entry(entry, actor, report)
        else:
            report.problems.append((str(entry["client_uuid"]), f"{entry['kind']}: not imported"))
    record(
        "rescue.import",
        ("users", actor.id),
        as_user=actor.username,
        stored=len(report.created),
        already=len(report.already),
        refused=len(report.problems),
        photos=report.photos_created,
        sites=len(report.sites_created),
    )
    db.session.commit()
    return report


def _import_entry(entry: dict, actor: User, report: RescueReport) -> None:
    uuid = str(entry["client_uuid"])
    payload = dict(entry["payload"], client_uuid=uuid)
    raw_versions = payload.pop("form_versions", None)  # a correction: the current versions
    try:
        if entry["kind"] == "edit":
            inspection = _import_correction(entry, payload, actor)
            report.corrected.append(uuid)
        else:  # checked and stored under the versions it was answered with, as the API does
            form_set = forms_entered_under(versions_of(raw_versions, "en"), "en")
            data = schema_for(form_set, "en", county_today()).load(payload)
            stored = store_inspection(data, actor, form_set)
            inspection = stored.inspection
            (report.created if stored.created else report.already).append(uuid)
    except ValidationError as exc:
        report.problems.append((uuid, f"invalid: {flatten(exc.messages)}"))
        return
    except (VillageNotFound, OutOfScope):
        report.problems.append((uuid, "village unknown or outside the user's township"))
        return
    except SubmissionConflict:
        report.problems.append((uuid, "already stored with other answers (conflict)"))
        return
    except (CorrectionRefused, StaleRevision, TransitionRefused, NotYours) as exc:
        db.session.rollback()
        report.problems.append((uuid, f"correction not stored: {type(exc).__name__} {exc}"))
        return
    _import_photos(entry, inspection, actor, report, uuid)


class CorrectionRefused(Exception):
    pass


def _import_correction(entry: dict, payload: dict, actor: User):
    """An edit entry corrects the stored inspection with its uuid, exactly as the phone's PUT
    would (base revision checked, untouched sections kept); it never stores a new one."""
    forms = current_forms()
    inspection = db.session.execute(
        db.select(Inspection).where(Inspection.client_uuid == payload["client_uuid"])
    ).scalar_one_or_none()
    if inspection is None or inspection.deleted_at is not None:
        raise CorrectionRefused("the inspection it corrects is not stored (or deleted)")
    check_may_change(actor, inspection)
    correction = split_correction(
        {
            **payload,
            "base_revision": entry["base_revision"],
            "remove_sections": entry["remove_sections"],
        },
        forms.form_set,
    )
    schema = forms.inspection_schema("en", county_today())
    apply_correction(
        inspection, correction, actor, forms.form_set, schema, keep_untouched=True, lang="en"
    )
    db.session.commit()
    return inspection


def _import_photos(entry: dict, inspection, actor: User, report: RescueReport, uuid: str) -> None:
    forms = current_forms()
    config = current_app.config
    for photo in entry["photos"]:
        owner = InspectionPhotos(
            inspection, photo["section"], actor, forms.form_set, config["PHOTO_MAX_PER_INSPECTION"]
        )
        try:
            raw = base64.b64decode(photo["data"].split(",")[-1], validate=True)
            saved = store_photo(
                owner,
                str(photo["client_photo_id"]),
                raw,
                actor,
                photo_storage(),
                PhotoLimits.from_config(config),
            )
        except (binascii.Error, ValueError, PhotoRefused) as exc:
            report.problems.append(
                (uuid, f"photo {photo['client_photo_id']}: {type(exc).__name__} {exc}")
            )
            continue
        if saved.created:
            report.photos_created += 1
        else:
            report.photos_already += 1
