"""Routes: /sw.js, /manifest.webmanifest, /inspect/flags and /admin/rescue (the import itself,
shared with the `import-rescue` command of app/cli.py, is app/inspections/rescue.py)."""

import hashlib
import json
from pathlib import Path

from flask import current_app, render_template, request, url_for

from app.accounts.policy import allow
from app.inspections.integrity.counts import flag_counts
from app.inspections.listings import flagged
from app.inspections.rescue import RescueFileError, import_rescue, read_rescue_json
from app.models import FLAG_KINDS
from app.sites.rescue import SITE_HANDLERS
from app.views.labels import flag_label
from app.views.offline.blueprint import bp

# What the pages with the queue need offline. The form's own scripts, rules and shell are fetched
# by the worker's "warm" (app/views/inspect/offline_views.py), named by their content.
PRECACHED_ASSETS = (
    "css/app.css",
    "js/offline-store.js",
    "js/offline-send.js",
    "js/offline-panel.js",
    "js/offline-queue.js",
    "js/problem-form.js",
    "js/site-queue.js",  # a site's form offline (issue 23)
    "icons/icon-192.png",
    "img/favicon.svg",
)


@bp.get("/sw.js")
@allow("public")
def service_worker():
    # Served from the root so its scope is the whole site; revalidated on every visit (a 304
    # when nothing changed), so a new version of any asset is picked up on the next visit.
    static = Path(current_app.static_folder)
    source = (static / "sw.js").read_text(encoding="utf-8")
    precache = [url_for("static", filename=name) for name in PRECACHED_ASSETS]
    source = source.replace("__PRECACHE__", json.dumps(precache + ["/manifest.webmanifest"]))
    # Background Sync sends the queue with the page's own scripts, imported by their hashed URL;
    # the offline forms (issue 20) are the worker's own, in a file of their own.
    sending = [url_for("static", filename=f"js/offline-{name}.js") for name in ("store", "send")]
    sending.append(url_for("static", filename="js/sw-offline-forms.js"))
    sending.append(url_for("static", filename="js/sw-offline-sites.js"))  # issue 23
    source = source.replace("__SEND_SCRIPTS__", json.dumps(sending))
    response = current_app.response_class(
        source.replace("__VERSION__", assets_version(static)), mimetype="text/javascript"
    )
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    response.add_etag()
    return response.make_conditional(request)


def assets_version(static: Path) -> str:
    """A short hash of every static file: changes whenever any asset does."""
    digest = hashlib.sha256()
    for path in sorted(p for p in static.rglob("*") if p.is_file()):
        digest.update(path.relative_to(static).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@bp.get("/manifest.webmanifest")
@allow("public")
def manifest():
    """The web app manifest; its icons carry content-hashed URLs, so browsers cache them."""
    icons = [
        {
            "src": url_for("static", filename=f"icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any maskable",
        }
        for size in (192, 512)
    ]
    body = json.dumps(
        {
            "name": "村检 Cunjian 农村环境检查",
            "short_name": "村检",
            "description": "浑源县农村人居环境检查表（可离线填写）",
            "lang": "zh-CN",
            "start_url": "/inspect/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5cad",
            "icons": icons,
        },
        ensure_ascii=False,
    )
    response = current_app.response_class(body, mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/inspect/flags")
@allow("flags.read")
def flags():
    rows = flagged(limit=500)
    return render_template(
        "offline/flags.html",
        rows=rows,
        limit_m=current_app.config["GPS_FLAG_DISTANCE_M"],
        counts=flag_counts(),
        flag_kinds=FLAG_KINDS,
        flag_label=flag_label,
    )


@bp.route("/admin/rescue", methods=["GET", "POST"])
@allow("rescue.import")
def rescue_upload():
    report, error = None, None
    if request.method == "POST":
        upload = request.files.get("rescue_file")
        try:
            if upload is None:
                raise RescueFileError("no file")
            report = import_rescue(
                read_rescue_json(upload.read()), default_user=None, handlers=SITE_HANDLERS
            )
        except RescueFileError as exc:
            error = str(exc)
    return render_template("offline/rescue.html", report=report, error=error), (
        400 if error else 200
    )
