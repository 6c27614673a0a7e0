"""What every browser test shares: Debian's Chromium (never a downloaded build), a seeded app on
its own SQLite file, and a real server for it on a free loopback port."""

import threading
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.geography import county

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def seeded_sqlite_app(folder: Path, name: str, **config):
    """An app on a fresh SQLite file in `folder`, tables made and the county seeded."""
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / (name + '.sqlite3')}",
            "SECRET_KEY": f"{name}-browser-test-key-" + "x" * 32,
            **config,
        }
    )
    app.instance_path = str(folder / "instance")
    with app.app_context():
        db.create_all()
        county.seed()
        db.session.commit()
    return app


@contextmanager
def serving(app, wsgi=None):
    """Serve `wsgi` (default: the app) in a thread; yields the base URL. Stops the server and
    releases the app's connections afterwards."""
    server = make_server("127.0.0.1", 0, wsgi or app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
