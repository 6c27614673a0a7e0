"""What the inspection form costs to load, first visit and repeat visit, and Lighthouse's scores.

A real server (werkzeug, seeded SQLite) and headless Chromium at 360 px. A WSGI wrapper counts
every response body the server sends, raw and gzip-compressed (level 6, as nginx's `gzip on`
would send text; images count as they are). The first visit includes everything the service
worker fetches for offline use (its precache and the pages it warms); the repeat visit is the
same page opened again in the same browser. Aim: ≤ 60 KB compressed first, ≤ 5 KB repeat.

Lighthouse (npm package `lighthouse`, installed here into a temporary folder, never at app run
time) runs on the form in its default mobile mode with CHROME_PATH=/usr/bin/chromium, signed in
through a Cookie header. Set BENCH_LIGHTHOUSE=0 to skip it.
"""

import gzip
import json
import os
import re
import subprocess
import tempfile
import threading
from pathlib import Path

from tests.browser.offline_server import CHROMIUM, LAUNCH_ARGS, serving, wait_until_offline_ready

FORM = "/inspect/140225100216"
LIGHTHOUSE_DIR = (
    Path(os.environ.get("LIGHTHOUSE_DIR", tempfile.gettempdir())) / "cunjian-lighthouse"
)
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/manifest")


class ByteCounter:
    """WSGI middleware: adds up response bodies, raw and as gzip would send them."""

    def __init__(self, app):
        self.app, self.lock = app, threading.Lock()
        self.reset()

    def reset(self):
        self.raw = self.compressed = self.responses = 0
        self.paths: list[str] = []

    def __call__(self, environ, start_response):
        seen = {}

        def capture(status, headers, exc_info=None):
            seen["type"] = dict(headers).get("Content-Type", "")
            seen["status"] = status
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, capture))
        squeezed = (
            len(gzip.compress(body, 6))
            if body and seen["type"].startswith(COMPRESSIBLE)
            else len(body)
        )
        with self.lock:
            self.raw += len(body)
            self.compressed += min(squeezed, len(body))
            self.responses += 1
            self.paths.append(f"{environ['PATH_INFO']} {seen['status'][:3]} {len(body)}")
        return [body]


def session_cookie(app) -> str:
    return session_cookie_of(app, "wang", "pw-field-2026")


def session_cookie_of(app, username: str, password: str) -> str:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    return client.get_cookie("session").value


def measure_visits(app, base, counter):
    from playwright.sync_api import sync_playwright

    cookie = session_cookie(app)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 740})
        context.add_cookies([{"name": "session", "value": cookie, "url": base}])
        counter.reset()
        page = context.new_page()
        page.goto(base + FORM)
        page.wait_for_selector("form[data-queue=ready]")
        wait_until_offline_ready(page)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        first = (counter.raw, counter.compressed, counter.responses, list(counter.paths))
        page.close()
        counter.reset()
        page = context.new_page()
        page.goto(base + FORM)
        page.wait_for_selector("form[data-queue=ready]")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        repeat = (counter.raw, counter.compressed, counter.responses, list(counter.paths))
        browser.close()
    return first, repeat


def lighthouse_cli() -> Path | None:
    """The Lighthouse command, installed into LIGHTHOUSE_DIR on first use (None if that fails)."""
    cli = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if not cli.exists():
        LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
        install = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", "lighthouse@12"],
            cwd=LIGHTHOUSE_DIR,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if install.returncode != 0 or not cli.exists():
            print(f"lighthouse: npm install failed: {install.stderr[-300:]}")
            return None
    return cli


def lighthouse(app, base) -> dict | None:
    cli = lighthouse_cli()
    if cli is None:
        return None
    out = LIGHTHOUSE_DIR / "report.json"
    headers = json.dumps({"Cookie": f"session={session_cookie(app)}"})
    run = subprocess.run(
        [
            str(cli),
            base + FORM,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            "--only-categories=performance,accessibility,best-practices",
            f"--extra-headers={headers}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if run.returncode != 0 or not out.exists():
        print(f"lighthouse failed: {run.stderr[-500:]}")
        return None
    report = json.loads(out.read_text())
    return {key: category["score"] for key, category in report["categories"].items()}


def main():
    if not Path(CHROMIUM).exists():
        print(f"skipped: no Chromium at {CHROMIUM}")
        return
    with tempfile.TemporaryDirectory() as tmp, serving(Path(tmp), wrap=ByteCounter) as (app, base):
        counter = app.wsgi_app
        first, repeat = measure_visits(app, base, counter)
        for name, (raw, compressed, count, paths), aim in (
            ("first visit", first, 60),
            ("repeat visit", repeat, 5),
        ):
            print(
                f"{name}: {compressed / 1024:.1f} KB compressed ({raw / 1024:.1f} KB raw), "
                f"{count} responses; aim ≤ {aim} KB → {compressed / 1024 / aim:.2f} of the aim"
            )
            for line in paths:
                print(f"    {line}")
        print(f"repeat ÷ first (compressed): {repeat[1] / first[1]:.3f}")
        if os.environ.get("BENCH_LIGHTHOUSE", "1") != "0":
            scores = lighthouse(app, base)
            if scores:
                print(
                    "lighthouse (mobile): " + ", ".join(f"{k} {v:.2f}" for k, v in scores.items())
                )


if __name__ == "__main__":
    main()
