"""Remake the dashboard screenshots from a database with demo data:

    .venv/bin/flask --app wsgi seed && .venv/bin/flask --app wsgi demo-data
    .venv/bin/flask --app wsgi create-user shots --role county_admin --password 'a long password'
    SHOTS_USER=shots SHOTS_PASSWORD='a long password' \\
        .venv/bin/python docs/screenshots/take_dashboard.py

Serves the app on a free loopback port for the length of the run and drives Debian's Chromium.
"""

import os
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from wsgi import app

HERE = Path(__file__).resolve().parent
SHOTS = [("dashboard-county-360.png", 360, 1400), ("dashboard-county-desktop.png", 1280, 1750)]


def main() -> None:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for filename, width, height in SHOTS:
            context = browser.new_context(viewport={"width": width, "height": 800})
            page = context.new_page()
            page.goto(base + "/login")
            page.fill("input[name=username]", os.environ["SHOTS_USER"])
            page.fill("input[name=password]", os.environ["SHOTS_PASSWORD"])
            page.click("button[type=submit]")
            page.goto(base + "/dashboard/")
            if height:
                page.screenshot(
                    path=HERE / filename,
                    full_page=True,
                    clip={"x": 0, "y": 0, "width": width, "height": height},
                )
            else:
                page.screenshot(path=HERE / filename, full_page=True)
            context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
