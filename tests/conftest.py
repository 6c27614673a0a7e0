"""Fixtures, after the Flask tutorial: an app per test built from a test config, its client and
CLI runner, on each database in turn.

Every test that takes `app` runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL too.
SQLite gets a fresh file per test; PostgreSQL gets its tables made once per session and emptied
before each test. Nothing is mocked: the tests talk to the real databases.
"""

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from app import create_app
from app.accounts.auth import issue_token
from app.extensions import db
from app.geography import county
from app.models import User
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS
from tests.factories import add_user
from tests.pg_reset import empty_postgresql

PG_URL = os.environ.get("TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])


def pytest_report_header(config):
    return f"databases: {', '.join(DATABASES)}" + (
        "" if PG_URL else " (set TEST_DATABASE_URL for PostgreSQL)"
    )


@pytest.fixture(scope="session")
def pg_ready():
    """Create the PostgreSQL tables once per session (dropping any left by an earlier run)."""
    app = create_app({"DATABASE_URL": PG_URL, "TESTING": True})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        db.engine.dispose()
    return True


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    request.getfixturevalue("pg_ready")
    empty_postgresql(PG_URL)
    return PG_URL


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production-" + "x" * 16,
            "WTF_CSRF_ENABLED": False,
        }
    )
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        if database_url.startswith("sqlite"):
            db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def seeded(app):
    """The real county: 16 townships, 224 village-level units, the plan's targets."""
    with app.app_context():
        county.seed()
        db.session.commit()
    return app


@pytest.fixture
def make_user(app):
    """make_user("inspector", township="140225101") → the user's id."""

    def make(role, township=None, username=None, password="correct horse battery"):
        return add_user(app, role, township, username, password)

    return make


@pytest.fixture
def auth_headers(app):
    """auth_headers(user_id, lang="en") → headers with a fresh bearer token."""

    def headers(user_id, lang=None):
        with app.app_context():
            token, _row = issue_token(db.session.get(User, user_id))
            db.session.commit()
        out = {"Authorization": f"Bearer {token}"}
        if lang:
            out["Accept-Language"] = lang
        return out

    return headers


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole session: Playwright's sync API allows one instance
    per thread, so every browser test, wherever it lives, shares this one."""
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"browser tests need Debian's Chromium at {CHROMIUM} (apt install chromium); skipped"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
