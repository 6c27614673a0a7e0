"""A real Cunjian server for the offline browser tests: the app on a seeded SQLite file, served
by werkzeug in a thread on a free loopback port, with CSRF on (the phone must send the header)."""

import time
from contextlib import contextmanager
from pathlib import Path

from app.extensions import db
from app.models import Township, User
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, seeded_sqlite_app  # noqa: F401 (CHROMIUM re-exported)
from tests.browser_support import serving as serve

LAUNCH_ARGS = CHROMIUM_ARGS


@contextmanager
def serving(
    tmp_path: Path, users=(("wang", "inspector", "140225100"),), password="pw-field-2026", wrap=None
):
    app = seeded_sqlite_app(tmp_path, "offline", PHOTO_DIR=str(tmp_path / "photos"))
    with app.app_context():
        for username, role, township in users:
            township_row = db.session.execute(
                db.select(Township).where(Township.code == township)
            ).scalar_one()
            user = User(username=username, role=role, township=township_row)
            user.set_password(password)
            db.session.add(user)
        db.session.commit()
    if wrap is not None:  # e.g. the bench's byte counter around the WSGI app
        app.wsgi_app = wrap(app.wsgi_app)
    with serve(app) as url:
        yield app, url


OFFLINE_READY = """async () => !!navigator.serviceWorker.controller &&
    !!(await caches.match('/inspect/__shell__')) &&
    !!(await caches.match('/inspect/__offline_data__')) &&
    !!(await caches.match('/inspect/__missing__')) && !!(await caches.match('/inspect/')) &&
    !!(await caches.match('/api/v1/villages'))"""


def wait_until_offline_ready(page, timeout_s: float = 20.0) -> None:
    """Poll until the worker controls the page and has cached the form's shell, the offline data
    (every village in scope, the returned inspections), the page for what was never kept, the
    village list page and the village list. (wait_for_function does not await an async
    predicate: a Promise is truthy at once.)"""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(OFFLINE_READY):
        if time.monotonic() > deadline:
            raise TimeoutError("the service worker did not cache the form for offline use")
        page.wait_for_timeout(100)
