"""The ledger export holds every problem in scope: it was cut at 1,000 rows without a word
(re-test finding 15). 1,003 problems are exported whole, in a bounded number of statements."""

import csv
import io
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import event

from app.extensions import db
from app.models import Problem, Village
from tests.problem_world import ledger_world
from tests.review_world import sign_in

COUNT = 1003


def test_the_export_holds_every_problem(seeded, make_user, auth_headers):
    world, _headers, _client = ledger_world(seeded, make_user, auth_headers)
    now = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
    with seeded.app_context():
        village_id = db.session.scalar(db.select(Village.id).where(Village.code == world.village))
        rows = [
            {
                "client_uuid": str(uuid.uuid4()),
                "village_id": village_id,
                "category": "straw_burning",
                "description": f"第 {n} 处",
                "responsible": "village",
                "deadline": date(2026, 12, 5),
                "status": "open",
                "created_by_id": world.users["inspector"],
                "created_at": now,
                "updated_at": now,
                "content_hash": f"{n:064x}",
            }
            for n in range(COUNT)
        ]
        db.session.execute(db.insert(Problem), rows)
        db.session.commit()
    lead = sign_in(seeded, "lead")
    statements = []
    with seeded.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = lead.get("/problems/export.csv")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(table) == 1 + COUNT
    assert {row[4] for row in table[1:]} == {f"第 {n} 处" for n in range(COUNT)}
    assert len(statements) < 10  # not one per row: village, township and recorder come joined
