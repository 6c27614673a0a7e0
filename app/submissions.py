"""Storing an inspection exactly once.

The phone makes a UUID for each inspection and may send it any number of times (lost
responses, retries, two tabs). The first copy to commit wins; a later copy with the same content
gets the stored inspection back and stores nothing, and one with different content is a conflict.
"Same content" is judged by a hash of the validated submission, kept with the inspection; after an
edit, a late retry of any earlier version is still a replay (the phone's queue may hold it).

Two copies can arrive at the same moment on different workers. On SQLite, BEGIN IMMEDIATE
serialises the check and the insert. On PostgreSQL both may pass the check; the unique
constraint on client_uuid then rejects the second insert, and we answer it like any replay.
"""

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.audit import record
from app.clock import utc_now
from app.extensions import db
from app.form_publication import ensure_published
from app.formdefs import FormSet
from app.gps_checks import check_location
from app.models import Answer, Inspection, InspectionRevision, User, Village
from app.periods import quarter_of
from app.policy import in_scope


class VillageNotFound(Exception):
    pass


class OutOfScope(Exception):
    pass


class SubmissionConflict(Exception):
    def __init__(self, inspection: Inspection):
        super().__init__(f"client_uuid {inspection.client_uuid} was stored with other content")
        self.inspection = inspection


@dataclass(frozen=True)
class Stored:
    inspection: Inspection
    created: bool


def canonical(data: dict) -> dict:
    """The validated submission as plain JSON values, in a stable form."""
    return json.loads(json.dumps(data, default=str, sort_keys=True))


def content_hash(payload: dict) -> str:
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def store_inspection(data: dict, actor: User, form_set: FormSet) -> Stored:
    village = db.session.execute(
        db.select(Village)
        .options(joinedload(Village.township))
        .where(Village.code == data["village_code"])
    ).scalar_one_or_none()
    if village is None:
        raise VillageNotFound(data["village_code"])
    if not in_scope(actor, village.township):
        raise OutOfScope(village.code)

    payload = canonical(data)
    digest = content_hash(payload)
    uuid = payload["client_uuid"]
    existing = _by_uuid(uuid)
    if existing is not None:
        return _replay(existing, digest)

    ensure_published(form_set)  # the versions this inspection records mean one definition
    now = utc_now()
    inspection = Inspection(
        client_uuid=uuid,
        village=village,
        inspector=actor,
        inspected_on=data["inspected_on"],
        quarter=quarter_of(data["inspected_on"]),
        year=data["inspected_on"].year,
        notes=data.get("notes") or "",
        lat=(data.get("location") or {}).get("lat"),
        lon=(data.get("location") or {}).get("lon"),
        accuracy_m=(data.get("location") or {}).get("accuracy_m"),
        content_hash=digest,
        form_versions=form_set.versions,
        created_at=now,
        updated_at=now,
    )
    check_location(inspection, village, now)  # GPS flags, in the same transaction
    inspection.revisions = [
        InspectionRevision(number=1, payload=payload, author_id=actor.id, created_at=now)
    ]
    db.session.add(inspection)
    try:
        db.session.flush()  # the inspection's id, for its answers
        _insert_answers(inspection, list(answer_rows(data, form_set)))
        record("inspection.create", inspection, client_uuid=uuid, village=village.code)
        _commit_keeping_loaded()
    except IntegrityError:
        db.session.rollback()
        existing = _by_uuid(uuid)
        if existing is None:
            raise
        return _replay(existing, digest)
    return Stored(inspection, created=True)


def answer_rows(data: dict, form_set: FormSet):
    """One Answer per answered field: the profile's from the top level, the rest per section."""
    sources = [(form_set.profile, data)]
    sources += [
        (form, data["sections"][form.form_id])
        for form in form_set.sections
        if form.form_id in data.get("sections", {})
    ]
    for form, values in sources:
        for field in form.fields:
            value = values.get(field.key)
            if value is None:
                continue
            if field.type.storage == "num":
                yield Answer(section=form.form_id, field=field.key, value_num=float(value))
            else:
                yield Answer(section=form.form_id, field=field.key, value_text=str(value))


def answers_by_section(inspection: Inspection, form_set: FormSet) -> dict[str, dict]:
    """Answers back in the submitted shape, typed by their definitions."""
    out: dict[str, dict] = {}
    for answer in inspection.answers:
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


def _insert_answers(inspection: Inspection, answers: list[Answer]) -> None:
    """The answers in one multi-row INSERT, in the inspection's transaction.

    The ORM's unit of work spent more time on twenty Answer objects than the database spent
    storing them, so the rows go in through Core, and the objects become the inspection's loaded
    collection (as if read back) for the answer the caller builds.
    """
    for answer in answers:
        answer.inspection_id = inspection.id
    db.session.execute(
        insert(Answer),
        [
            {
                "inspection_id": inspection.id,
                "section": a.section,
                "field": a.field,
                "value_num": a.value_num,
                "value_text": a.value_text,
            }
            for a in answers
        ],
    )
    set_committed_value(inspection, "answers", answers)


def _commit_keeping_loaded() -> None:
    """Commit without expiring the objects just stored.

    The caller answers with the stored inspection; after an expiring commit that answer reloaded
    the inspection, its answers, revisions, village, township and inspector (six SELECTs), which
    cost as much as storing them. Nothing here has server-side defaults, so what is in memory is
    what was committed.
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
    return Stored(existing, created=False)
