"""A county's form versions are read through the reference cache (app/reference.py), not with
a statement of their own on every request, and publishing changes the reference token in the
publish's own transaction, so no worker serves a stale form after a publish (issue 22).

Two apps on one database stand for two gunicorn workers, as in
tests/rollups/test_reference_cache.py: the reader has built its forms, the writer publishes
film 2026.4 with `flask import-form --publish`, and the reader's next request has it.
"""

import pytest
from sqlalchemy import event

from app import create_app
from app.extensions import db
from app.formdefs.registry import current_forms, refresh_county_forms
from app.reference import current_token
from tests.xlsform_helpers import exported, relabel_and_add, shipped


@pytest.fixture
def writer(app):
    other = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": app.config["DATABASE_URL"],
            "SECRET_KEY": app.config["SECRET_KEY"],
        }
    )
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def film_version(app) -> str:
    with app.test_request_context("/"):
        version = refresh_county_forms().form_set.by_id["film"].version
        db.session.rollback()  # the request's end
        return version


def statements_of_a_refresh(app) -> list[str]:
    seen = []
    with app.test_request_context("/"):
        current_token()  # the request's token read, shared with the roll-ups
        engine = db.engine

        def record(_conn, _cursor, statement, *_args):
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            refresh_county_forms()
        finally:
            event.remove(engine, "before_cursor_execute", record)
            db.session.rollback()
    return seen


def test_a_publish_in_another_worker_is_seen_at_the_next_request(app, writer, tmp_path):
    old = shipped("film")["settings"]["version"]
    assert old == "2026.3"
    assert film_version(app) == old
    assert statements_of_a_refresh(app) == []  # warm: the token says nothing changed
    with app.app_context():
        token = current_token()
        db.session.rollback()

    path = tmp_path / "film.xlsx"
    path.write_bytes(relabel_and_add(exported("film")))
    published = writer.test_cli_runner().invoke(args=["import-form", str(path), "--publish"])
    assert published.exit_code == 0, published.output

    with app.app_context():
        assert current_token() != token  # the publish changed it, with no trigger of its own
        db.session.rollback()
    assert film_version(app) == "2026.4"
    with app.app_context():
        assert "bags_collected" in {f.key for f in current_forms().form_set.by_id["film"].fields}
    assert statements_of_a_refresh(app) == []


def test_a_rolled_back_publish_leaves_the_token(app):
    from app.formdefs import county_forms

    with app.test_request_context("/"):
        token = current_token()
        outcome = county_forms.check_workbook(
            current_forms(),
            app.config["FORMS_DIR"],
            relabel_and_add(exported("film")),
            "film.xlsx",
            "film",
        )
        assert county_forms.publish(outcome, "tester") == "2026.4"
        assert current_token() != token  # its own transaction sees its change
        db.session.rollback()
        assert current_token() == token
        db.session.rollback()
    assert film_version(app) == "2026.3"
