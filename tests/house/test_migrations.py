"""`flask db upgrade` on an empty database builds exactly the schema the models describe.

The other tests build their tables with `db.create_all()`, so a model change that the migration
misses would pass them all and break the first real deployment. Here the migrations run on a
fresh SQLite file and a fresh PostgreSQL database, and Alembic's autogenerate comparison between
the result and the models must find nothing.
"""

import os

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.extensions import db

PG_URL = os.environ.get("TEST_DATABASE_URL")


def scratch_postgres_database():
    """A new, empty database beside the test one (test_h1 → test_h1_mig); its URL and a
    function that drops it."""
    url = make_url(PG_URL)
    name = f"{url.database}_mig"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)

    def execute(sql):
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql)

    execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False), lambda: execute(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    if not PG_URL:
        pytest.skip("set TEST_DATABASE_URL to migrate a PostgreSQL database")
    url, drop = scratch_postgres_database()
    yield url
    drop()


@pytest.fixture
def migrated_app(empty_database, tmp_path):
    app = create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x" * 48, "TESTING": True})
    app.instance_path = str(tmp_path / "instance")
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def schema_differences(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": True,
            },
        )
        return compare_metadata(context, db.metadata)


def table_names(app):
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def test_upgrade_builds_the_models_schema_and_downgrade_removes_it(migrated_app):
    assert schema_differences(migrated_app) == []
    assert table_names(migrated_app) == {t.name for t in db.metadata.sorted_tables} | {
        "alembic_version"
    }
    runner = migrated_app.test_cli_runner()
    down = runner.invoke(args=["db", "downgrade", "base"])
    assert down.exit_code == 0, down.output
    assert table_names(migrated_app) == {"alembic_version"}
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    assert schema_differences(migrated_app) == []


def test_the_migrated_database_takes_the_seed_and_the_check_constraints(migrated_app):
    seeded = migrated_app.test_cli_runner().invoke(args=["seed"])
    assert seeded.exit_code == 0, seeded.output
    assert "villages +224" in seeded.output  # 213 villages + 11 communities
    with migrated_app.app_context():
        with pytest.raises(IntegrityError, match="(?i)check"):
            db.session.execute(db.text("UPDATE villages SET zone = 'swamp' WHERE id = 1"))
        db.session.rollback()


def test_upgrading_a_seeded_county_puts_its_townships_under_one_county(migrated_app):
    """A county deployment from before 0008: its townships get the county of their code prefix,
    named by the code until `seed` names it."""
    runner = migrated_app.test_cli_runner()
    assert runner.invoke(args=["seed"]).exit_code == 0
    down = runner.invoke(args=["db", "downgrade", "0007_quarter_summary"])
    assert down.exit_code == 0, down.output
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    with migrated_app.app_context():
        counties = db.session.execute(db.text("SELECT id, code, name FROM counties")).all()
        assert [(code, name) for _id, code, name in counties] == [("140225", "140225")]
        townships = db.session.execute(db.text("SELECT county_id FROM townships")).scalars().all()
        assert townships == [counties[0][0]] * 16
    assert runner.invoke(args=["seed"]).exit_code == 0
    with migrated_app.app_context():
        assert db.session.execute(db.text("SELECT name FROM counties")).scalar_one() == "浑源县"


def test_0009_gives_users_a_county_and_keeps_existing_users_deployment_wide(migrated_app):
    runner = migrated_app.test_cli_runner()
    assert runner.invoke(args=["seed"]).exit_code == 0
    down = runner.invoke(args=["db", "downgrade", "0008_counties"])
    assert down.exit_code == 0, down.output
    with migrated_app.app_context():
        db.session.execute(
            db.text(
                "INSERT INTO users (username, password_hash, role, active) "
                "VALUES ('old-admin', '!', 'county_admin', true)"
            )
        )
        db.session.commit()
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    with migrated_app.app_context():
        assert db.session.execute(
            db.text("SELECT county_id FROM users WHERE username = 'old-admin'")
        ).all() == [(None,)]
        county_id = db.session.execute(db.text("SELECT id FROM counties")).scalar_one()
        township_id = db.session.execute(db.text("SELECT min(id) FROM townships")).scalar_one()
        db.session.execute(
            db.text(
                "INSERT INTO users (username, password_hash, role, active, county_id) "
                "VALUES ('county-viewer', '!', 'viewer', true, :county)"
            ),
            {"county": county_id},
        )
        db.session.commit()
        # a township role's county is its township's: a second one is refused
        with pytest.raises(IntegrityError, match="(?i)check"):
            db.session.execute(
                db.text(
                    "INSERT INTO users (username, password_hash, role, active, township_id, "
                    "county_id) VALUES ('insp', '!', 'inspector', true, :township, :county)"
                ),
                {"township": township_id, "county": county_id},
            )
        db.session.rollback()
