"""Fixtures for browser tests: the real app served on a free loopback port, and a headless
Chromium with a phone's viewport that records every request it makes.

`live_server` runs the app (CSRF on, as in production) with werkzeug's server in a background
thread, over a SQLite file seeded with the county and one inspector of 西坊城镇; it yields an
object with `.url` and `.app`. It lives for the whole session, so a test that counts rows
should count those of its own village. Tests skip with a message when /usr/bin/chromium is
missing; no browser is ever downloaded.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask

from app.extensions import db
from app.models import Township, User
from tests.browser_support import (  # noqa: F401 (CHROMIUM* re-exported)
    CHROMIUM,
    CHROMIUM_ARGS,
    seeded_sqlite_app,
    serving,
)
from tests.paths import SCREENSHOTS

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "zh-CN",
}
INSPECTOR = ("wang", "correct horse battery")
INSPECTOR_TOWNSHIP = "140225101"  # 西坊城镇


@dataclass
class LiveServer:
    url: str
    app: Flask
    inspector: tuple[str, str] = INSPECTOR
    served: list[str] = field(default_factory=list)  # every path+query that reached the server


@dataclass
class PhonePage:
    """A page plus every URL it (and its context) requested."""

    page: object
    requested: list[str] = field(default_factory=list)

    def offsite(self, base_url: str) -> list[str]:
        return [u for u in self.requested if not u.startswith(base_url + "/")]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    app = seeded_sqlite_app(tmp_path_factory.mktemp("live_server"), "live")
    with app.app_context():
        township = db.session.execute(
            db.select(Township).where(Township.code == INSPECTOR_TOWNSHIP)
        ).scalar_one()
        user = User(username=INSPECTOR[0], role="inspector", township=township)
        user.set_password(INSPECTOR[1])
        db.session.add(user)
        db.session.commit()
    served = []

    def recording(environ, start_response):
        query = environ.get("QUERY_STRING")
        served.append(environ["PATH_INFO"] + (f"?{query}" if query else ""))
        return app(environ, start_response)

    with serving(app, recording) as url:
        yield LiveServer(url=url, app=app, served=served)


@pytest.fixture
def phone(chromium):
    """phone(java_script_enabled=True) → a PhonePage at 360×740 that records its requests."""
    contexts = []

    def open_page(java_script_enabled=True) -> PhonePage:
        context = chromium.new_context(java_script_enabled=java_script_enabled, **PHONE)
        context.set_default_timeout(10_000)
        contexts.append(context)
        phone_page = PhonePage(context.new_page())
        context.on("request", lambda request: phone_page.requested.append(request.url))
        return phone_page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, NAME) saves NAME.png only when CUNJIAN_SCREENSHOTS is set: to
    docs/screenshots/ (shown in the README) when it is 1, else to the folder it names. An
    ordinary test run writes nothing into the repository."""

    def take(page, name: str) -> None:
        setting = os.environ.get("CUNJIAN_SCREENSHOTS")
        if setting:
            folder = SCREENSHOTS if setting == "1" else Path(setting)
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{name}.png"), full_page=name.endswith("-full"))

    return take
