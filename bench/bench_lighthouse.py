"""Lighthouse (mobile) on the map and the dashboard pages, with the demo data loaded.

A real server (werkzeug, seeded SQLite, eight quarters of demo data) behind a gzip middleware
(level 6, as nginx's `gzip on` sends text), and Lighthouse 12 (npm package, installed into a
temporary folder, never at app run time; LIGHTHOUSE_DIR to reuse one) in its default mobile mode
with CHROME_PATH=/usr/bin/chromium, signed in as a county admin through a Cookie header. Also
prints, per page, the render-blocking requests and the bytes sent. Numbers depend on the
machine's load: Lighthouse's simulated throttling still runs the page's scripts for real.

    .venv/bin/python -m bench.bench_lighthouse [PATH ...]
"""

import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from app.demo.inspections import load_demo
from app.extensions import db
from app.models import User
from bench.bench_offline import LIGHTHOUSE_DIR, lighthouse_cli, session_cookie_of
from tests.browser_support import CHROMIUM, seeded_sqlite_app, serving

PAGES = ("/map", "/dashboard/", "/dashboard/ranking", "/dashboard/trends")
COMPRESSIBLE = ("text/", "application/json", "application/javascript")


class Gzip:
    """WSGI middleware: gzip text responses when the client accepts it."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        seen = {}

        def capture(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return lambda _data: None

        body = b"".join(self.app(environ, capture))
        headers = [(k, v) for k, v in seen["headers"] if k.lower() != "content-length"]
        kind = dict(seen["headers"]).get("Content-Type", "")
        if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "") and kind.startswith(COMPRESSIBLE):
            body = gzip.compress(body, 6)
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        start_response(seen["status"], headers)
        return [body]


def audit(cli: Path, url: str, cookie: str) -> dict:
    out = LIGHTHOUSE_DIR / "lighthouse-report.json"
    run = subprocess.run(
        [
            str(cli),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            "--only-categories=performance,accessibility,best-practices",
            f"--extra-headers={json.dumps({'Cookie': f'session={cookie}'})}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if run.returncode != 0 or not out.exists():
        return {"error": run.stderr[-300:]}
    report = json.loads(out.read_text())
    audits = report["audits"]
    blocking = audits.get("render-blocking-resources", {}).get("details", {}).get("items", [])
    return {
        **{k: c["score"] for k, c in report["categories"].items()},
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "bytes": audits["total-byte-weight"]["numericValue"],
        "render_blocking": [item["url"].split("/", 3)[-1] for item in blocking],
    }


def main(paths=()) -> None:
    cli = lighthouse_cli()
    if cli is None:
        print("skipped: Lighthouse could not be installed")
        return
    with tempfile.TemporaryDirectory() as tmp:
        app = seeded_sqlite_app(Path(tmp), "bench_lighthouse")
        with app.app_context():
            load_demo()
            admin = User(username="chen", role="county_admin")
            admin.set_password("pw-county-2026")
            db.session.add(admin)
            db.session.commit()
        cookie = session_cookie_of(app, "chen", "pw-county-2026")
        with serving(app, Gzip(app.wsgi_app)) as base:
            for path in paths or PAGES:
                print(path, json.dumps(audit(cli, base + path, cookie), ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
