"""Writing a new inspection's rows: the inspection itself, unless its client_uuid is stored
already, then its answers, first revision, GPS flags and audit event, all in the caller's
transaction.

The unique client_uuid decides whether anything is written: INSERT … ON CONFLICT (client_uuid)
DO NOTHING RETURNING id gives no id for a copy stored before (or by a concurrent request that
committed first: PostgreSQL makes the second insert wait for the first transaction, then does
nothing, or inserts if that one rolled back).

On PostgreSQL everything goes in one statement, each insert a data-modifying CTE fed by the new
inspection's id; when the inspection conflicts its CTE returns no row and the others insert
nothing. A submission thus costs one round trip for its writes instead of five, which saved
about a fifth of the CPU of a submission, on both sides of the connection. Answers and flags go
in as arrays through unnest. SQLite (in-process, no round trips; no DML in CTEs) takes the same
rows statement by statement.

Everything is Core, with statements built once: the ORM's unit of work cost more CPU than the
database spent storing the rows.
"""

from dataclasses import dataclass
from functools import cache

from sqlalchemy import (
    ARRAY,
    Integer,
    String,
    bindparam,
    cast,
    func,
    insert,
    literal,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite

from app.models import Answer, AuditEvent, Inspection, InspectionFlag, InspectionRevision

inspections = Inspection.__table__
answers = Answer.__table__
revisions = InspectionRevision.__table__
flags = InspectionFlag.__table__
events = AuditEvent.__table__

INSPECTION_COLUMNS = (
    "client_uuid",
    "village_id",
    "inspector_id",
    "inspected_on",
    "quarter",
    "year",
    "notes",
    "lat",
    "lon",
    "accuracy_m",
    "opened_at",
    "saved_at",
    "content_hash",
    "form_versions",
    "is_demo",
    "status",
    "created_at",
    "updated_at",
)
ANSWER_COLUMNS = ("section", "field", "value_num", "value_text", "basis", "coefficients")
FLAG_COLUMNS = ("kind", "distance_m", "limit_m")
EVENT_COLUMNS = ("at", "action", "object_type", "actor_id", "actor_name", "ip", "details")


@dataclass(frozen=True)
class NewRows:
    inspection: dict  # INSPECTION_COLUMNS
    answers: tuple  # of (section, field, value_num, value_text)
    payload: dict  # the first revision's
    flags: list[dict]  # FLAG_COLUMNS
    event: dict  # EVENT_COLUMNS (object_id is the new inspection's id)


def insert_new(connection, rows: NewRows) -> int | None:
    """Insert the rows; the new inspection's id, or None when its client_uuid is stored."""
    if connection.dialect.name == "postgresql":
        return connection.execute(_in_one_statement(), _one_statement_params(rows)).scalar()
    return _statement_by_statement(connection, rows)


def _statement_by_statement(connection, rows: NewRows) -> int | None:
    new_id = connection.execute(_insert_once("sqlite"), rows.inspection).scalar()
    if new_id is None:
        return None
    now, author = rows.inspection["created_at"], rows.inspection["inspector_id"]
    connection.execute(
        insert(answers),
        [
            dict(zip(ANSWER_COLUMNS, answer, strict=True), inspection_id=new_id)
            for answer in rows.answers
        ],
    )
    connection.execute(
        insert(revisions),
        {
            "inspection_id": new_id,
            "number": 1,
            "payload": rows.payload,
            "author_id": author,
            "created_at": now,
        },
    )
    if rows.flags:
        connection.execute(
            insert(flags),
            [{**flag, "inspection_id": new_id, "created_at": now} for flag in rows.flags],
        )
    connection.execute(insert(events), {**rows.event, "object_id": str(new_id)})
    return new_id


def _one_statement_params(rows: NewRows) -> dict:
    params = dict(rows.inspection, revision_payload=rows.payload)
    for index, name in enumerate(ANSWER_COLUMNS):
        params[f"answer_{name}"] = [answer[index] for answer in rows.answers]
    for name in FLAG_COLUMNS:
        params[f"flag_{name}"] = [flag[name] for flag in rows.flags]
    for name in EVENT_COLUMNS:
        params[f"event_{name}"] = rows.event[name]
    return params


@cache
def _insert_once(dialect: str):
    module = postgresql if dialect == "postgresql" else sqlite
    return (
        module.insert(inspections)
        .values(
            {name: bindparam(name, type_=inspections.c[name].type) for name in INSPECTION_COLUMNS}
        )
        .on_conflict_do_nothing(index_elements=[inspections.c.client_uuid])
        .returning(inspections.c.id)
    )


@cache
def _in_one_statement():
    """WITH new AS (INSERT INTO inspections … ON CONFLICT DO NOTHING RETURNING id),
    answers AS (INSERT … SELECT new.id, … FROM new, unnest(…)), revision AS (…), flags AS (…),
    event AS (…) SELECT new.id FROM new."""
    new = _insert_once("postgresql").cte("new")
    now = bindparam("created_at", type_=inspections.c.created_at.type)
    answer = _unnest("answer", answers, ANSWER_COLUMNS)
    flag = _unnest("flag", flags, FLAG_COLUMNS)
    writes = [
        insert(answers).from_select(
            ["inspection_id", *ANSWER_COLUMNS],
            select(new.c.id, *(answer.c[name] for name in ANSWER_COLUMNS)).select_from(
                new.join(answer, true())  # each answer with the new id: none if no new id
            ),
        ),
        insert(revisions).from_select(
            ["inspection_id", "number", "payload", "author_id", "created_at"],
            select(
                new.c.id,
                literal(1),
                bindparam("revision_payload", type_=revisions.c.payload.type),
                bindparam("inspector_id", type_=Integer),
                now,
            ),
        ),
        insert(flags).from_select(
            ["inspection_id", *FLAG_COLUMNS, "created_at"],
            select(new.c.id, *(flag.c[name] for name in FLAG_COLUMNS), now).select_from(
                new.join(flag, true())
            ),
        ),
        insert(events).from_select(
            [*EVENT_COLUMNS, "object_id"],
            select(
                *(bindparam(f"event_{name}", type_=events.c[name].type) for name in EVENT_COLUMNS),
                cast(new.c.id, String),
            ),
        ),
    ]
    names = ("answers", "revision", "flags", "event")
    return select(new.c.id).add_cte(*(w.cte(n) for w, n in zip(writes, names, strict=True)))


def _unnest(prefix: str, table, names):
    """unnest(:prefix_a, :prefix_b, …) AS prefix(a, b, …): one row per list element."""
    arrays = [bindparam(f"{prefix}_{name}", type_=ARRAY(table.c[name].type)) for name in names]
    return func.unnest(*arrays).table_valued(*names).render_derived(name=prefix)
