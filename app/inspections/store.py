"""Storing an inspection exactly once.

The phone makes a UUID for each inspection and may send it any number of times (lost
responses, retries, two tabs). The first copy to commit wins; a later copy with the same content
gets the stored inspection back and stores nothing, and one with different content is a conflict.
"Same content" is judged by a hash of the validated submission, kept with the inspection; after an
edit, a late retry of any earlier version is still a replay (the phone's queue may hold it).

Two copies can arrive at the same moment on different workers. The insert itself decides, by
the unique client_uuid (INSERT … ON CONFLICT DO NOTHING, app/inspections/writes.py): a copy
already stored gets no new id and is answered like any replay. On SQLite BEGIN IMMEDIATE
serialises writers anyway; on PostgreSQL a copy arriving while the first is not yet committed
waits for it, then does nothing (or inserts, if the first rolled back).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from functools import cache
from types import SimpleNamespace
from typing import NamedTuple

from sqlalchemy import bindparam, select

from app.accounts.audit import event_values
from app.accounts.policy import covers, scope_of
from app.clock import utc_now
from app.db import note_written_places
from app.extensions import db
from app.formdefs import FormSet
from app.formdefs.publication import ensure_published
from app.inspections.estimates import estimate_inspection
from app.inspections.gps_checks import location_flags
from app.inspections.integrity.submission import check_new_inspection
from app.inspections.writes import NewRows, insert_new
from app.models import Answer, Inspection, Township, User, Village
from app.periods import quarter_of
from app.settings import with_count_basis

inspections = Inspection.__table__
# The review and deletion columns a new inspection leaves empty.
UNSET_BY_INSERT = (
    "review_comment",
    "reviewed_by_id",
    "reviewed_at",
    "deleted_at",
    "deleted_by_id",
    "delete_reason",
)


class VillageNotFound(Exception):
    pass


class OutOfScope(Exception):
    pass


class SubmissionConflict(Exception):
    def __init__(self, inspection: Inspection):
        super().__init__(f"client_uuid {inspection.client_uuid} was stored with other content")
        self.inspection = inspection


class AnswerValue(NamedTuple):
    """One answer row's values (an Answer without the ORM object)."""

    section: str
    field: str
    value_num: float | None
    value_text: str | None
    basis: str | None = None  # calculated fields: "measured" | "estimated"
    coefficients: str | None = None  # an estimate's coefficient editions (JSON)


@dataclass(frozen=True)
class Stored:
    """What `store_inspection` did. `row` reads like an Inspection (the API's answer is made from
    it): the ORM object for a replay; for a new inspection, its values as written, with its
    `answers` beside it, so nothing is read back."""

    inspection_id: int
    created: bool
    row: Inspection | SimpleNamespace
    answers: tuple[AnswerValue, ...] | None = None  # a new inspection's

    @property
    def inspection(self) -> Inspection:
        """The stored Inspection (for a new one, loaded when first asked for)."""
        if isinstance(self.row, Inspection):
            return self.row
        return db.session.get(Inspection, self.inspection_id)


def canonical(data: dict) -> dict:
    """The validated submission as plain JSON values, in a stable form."""
    return json.loads(json.dumps(data, default=str, sort_keys=True))


def content_hash(payload: dict) -> str:
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def store_inspection(data: dict, actor: User, form_set: FormSet) -> Stored:
    """Store a validated submission once. The rows go in through Core, in one transaction: the
    ORM's unit of work cost more CPU than the database spent storing them."""
    connection = db.session.connection()  # Core: rows, not ORM objects, are all this needs
    village = connection.execute(_village_by_code(), {"code": data["village_code"]}).first()
    if village is None:
        raise VillageNotFound(data["village_code"])
    if not covers(scope_of(actor), village.township_id, village.county_id):
        raise OutOfScope(village.code)

    payload = canonical(data)
    digest = content_hash(payload)
    uuid = payload["client_uuid"]
    ensure_published(form_set)  # the versions this inspection records mean one definition
    values = _inspection_values(data, uuid, village, actor, digest, form_set)
    counted = with_count_basis(data, form_set)
    answers = tuple(answer_values(counted, form_set, estimate_inspection(counted, form_set)))
    rows = NewRows(
        inspection=values,
        answers=answers,
        payload=payload,
        flags=location_flags(values["lat"], values["lon"], village),
        event=event_values(
            "inspection.create", (inspections.name, None), client_uuid=uuid, village=village.code
        ),
    )
    inspection_id = insert_new(connection, rows)
    if inspection_id is None:  # stored before: the unique client_uuid decided
        existing = _by_uuid(uuid)
        if existing is None:  # the conflicting row vanished: nothing deletes inspections
            raise RuntimeError(f"client_uuid {uuid} conflicted but is not stored")
        return _replay(existing, digest)
    note_written_places(db.session, [(village.id, values["quarter"])])  # the summary's recount
    check_new_inspection(inspection_id, values, answers, form_set, village.code)
    _commit_keeping_loaded()
    return Stored(inspection_id, True, _as_loaded(values, inspection_id, village, actor), answers)


def _inspection_values(data: dict, uuid, village, actor: User, digest: str, form_set) -> dict:
    """The new inspection's row."""
    now = utc_now()
    location = data.get("location") or {}
    return {
        "client_uuid": uuid,
        "village_id": village.id,
        "inspector_id": actor.id,
        "inspected_on": data["inspected_on"],
        "quarter": quarter_of(data["inspected_on"]),
        "year": data["inspected_on"].year,
        "notes": data.get("notes") or "",
        "lat": location.get("lat"),
        "lon": location.get("lon"),
        "accuracy_m": location.get("accuracy_m"),
        "opened_at": _utc(data.get("opened_at")),
        "saved_at": _utc(data.get("saved_at")),
        "content_hash": digest,
        "form_versions": form_set.versions,
        "is_demo": False,
        "status": "submitted",
        "created_at": now,
        "updated_at": now,
    }


def _utc(moment):
    """Stored in UTC, as every time is (SQLite keeps no offset)."""
    return None if moment is None else moment.astimezone(UTC)


def _as_loaded(values: dict, inspection_id: int, village, actor: User) -> SimpleNamespace:
    """The stored inspection as the callers read it, without loading it back."""
    return SimpleNamespace(
        **dict.fromkeys(UNSET_BY_INSERT),
        **values,
        id=inspection_id,
        village=SimpleNamespace(
            code=village.code,
            name=village.name,
            township=SimpleNamespace(code=village.township_code),
        ),
        inspector=actor,
        reviewed_by=None,
    )


def answer_values(data: dict, form_set: FormSet, estimates: dict | None = None):
    """One AnswerValue per answered field: the profile's from the top level, the rest per
    section. A calculated field is measured when answered, else estimated when `estimates`
    (app/inspections/estimates.py) has it."""
    estimates = estimates or {}
    sources = [(form_set.profile, data)]
    sources += [
        (form, data["sections"][form.form_id])
        for form in form_set.sections
        if form.form_id in data.get("sections", {})
    ]
    for form, values in sources:
        for field in form.fields:
            value = values.get(field.key)
            estimate = estimates.get((form.form_id, field.key))
            if value is None and estimate is not None:
                yield AnswerValue(
                    form.form_id,
                    field.key,
                    estimate.value,
                    None,
                    "estimated",
                    estimate.coefficients,
                )
            if value is None:
                continue
            if field.calculation:
                yield AnswerValue(form.form_id, field.key, float(value), None, "measured")
            elif field.type.storage == "num":
                yield AnswerValue(form.form_id, field.key, float(value), None)
            else:
                yield AnswerValue(form.form_id, field.key, None, str(value))


def answer_rows(data: dict, form_set: FormSet, estimates: dict | None = None):
    """The answers as Answer objects (an edit replaces the collection with these)."""
    for value in answer_values(data, form_set, estimates):
        yield Answer(**value._asdict())


def answers_by_section(answers, form_set: FormSet) -> dict[str, dict]:
    """Answers (Answer objects or AnswerValues) back in the submitted shape, typed by their
    definitions."""
    out: dict[str, dict] = {}
    for answer in answers:
        try:
            field = form_set.field_at(f"{answer.section}.{answer.field}")
        except ValueError:  # a field since removed from the form: keep it, untyped
            out.setdefault(answer.section, {})[answer.field] = (
                answer.value_num if answer.value_text is None else answer.value_text
            )
            continue
        out.setdefault(answer.section, {})[answer.field] = _typed(field.type.name, answer)
    return out


def _typed(type_name: str, answer: Answer):
    if type_name == "integer":
        return int(answer.value_num)
    if type_name == "boolean":
        return bool(answer.value_num)
    if type_name == "decimal":
        return answer.value_num
    return answer.value_text


@cache
def _village_by_code():
    villages, townships = Village.__table__, Township.__table__
    return (
        select(
            *(villages.c[name] for name in ("id", "code", "name", "township_id", "lat", "lon")),
            townships.c.code.label("township_code"),
            townships.c.county_id,
        )
        .join_from(villages, townships, villages.c.township_id == townships.c.id)
        .where(villages.c.code == bindparam("code"))
    )


def _commit_keeping_loaded() -> None:
    """Commit without expiring what is loaded.

    The caller answers with the stored inspection's village, township and inspector; after an
    expiring commit that answer reloaded them all. Nothing here has server-side defaults, so
    what is in memory is what was committed.
    """
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _by_uuid(uuid: str) -> Inspection | None:
    return db.session.execute(
        db.select(Inspection).where(Inspection.client_uuid == uuid)
    ).scalar_one_or_none()


def _replay(existing: Inspection, digest: str) -> Stored:
    earlier = {content_hash(revision.payload) for revision in existing.revisions}
    if existing.content_hash != digest and digest not in earlier:
        raise SubmissionConflict(existing)
    return Stored(existing.id, False, existing)
