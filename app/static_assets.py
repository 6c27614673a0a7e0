"""Static files: named by their content, cached by browsers for a long time.

Every `url_for('static', ...)` gets `?v=<first 10 hex of the file's SHA-256>`, so a changed file
has a new URL. Responses to such versioned URLs say `Cache-Control: public, max-age=…,
immutable`: a phone on a weak signal fetches the CSS and JS once and then only the page itself.
Unversioned requests keep Flask's default (ETag and Last-Modified, revalidated each time).
"""

import hashlib
from pathlib import Path

from flask import Flask, request


def init_app(app: Flask) -> None:
    digests: dict[str, tuple[float, str]] = {}

    def version_of(filename: str) -> str | None:
        path = Path(app.static_folder) / filename
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return None
        cached = digests.get(filename)
        if cached is None or cached[0] != mtime:  # re-read only when the file changed
            cached = (mtime, hashlib.sha256(path.read_bytes()).hexdigest()[:10])
            digests[filename] = cached
        return cached[1]

    @app.url_defaults
    def version_static_urls(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = version_of(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def cache_versioned_static(response):
        if (
            request.endpoint == "static"
            and request.args.get("v")
            and response.status_code in (200, 304)
        ):
            max_age = app.config["STATIC_MAX_AGE"]
            response.headers["Cache-Control"] = f"public, max-age={max_age}, immutable"
        return response
