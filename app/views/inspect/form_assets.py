"""The form's long-lived files, each named by its content and cached for a year:

- the form's code: its scripts (static/js, in the order the page ran them one by one) in one
  minified file, `/inspect/code/<digest>.js` — one request instead of eight, and 12 % of the
  compressed bytes of rjsmin's minifying less (calmjs.parse, a pure-Python ES5 parser, prints it
  again with each function's local names shortened; the static files themselves stay readable).
  The offline shell's own script (static/js/offline-shell.js: it fills the blank form in from the
  phone's data when the service worker answers a page it could not fetch) and a correction's part
  of the queue (static/js/offline-edit.js) are in a second file, `/inspect/code/shell/<digest>.js`,
  that only the shell and a correction's page link, before the first (the service worker keeps
  both): a new inspection's page never runs them (issue 21: 1.0 KB compressed less);
- the form's data: the rules document (app/formdefs/rules.py, for static/js/form-rules.js) and
  the calculations with the coefficients in force (for static/js/calculate.js), as
  `/inspect/form-data/<lang>/<digest>.js`, for those who fill in the form. It was embedded in
  every form page (4.0 KB of a page's 8.6 KB compressed); now a phone fetches it once per form
  version, language and coefficient edition, and the service worker keeps it offline.

The county's today is not in the data file (it would rename the file every day): the page gives
it (`data-today` on the form) and form-rules.js takes the later of that and the phone's clock.
"""

import hashlib
import json
import os
from pathlib import Path

import rjsmin
from flask import abort, current_app, g, render_template, url_for
from flask_babel import force_locale

from app.accounts.policy import allow
from app.clock import county_today
from app.formdefs.registry import current_forms
from app.i18n import current_lang
from app.inspections.estimates import phone_definitions
from app.views.inspect.blueprint import bp
from app.views.inspect.rules_view import form_rules

# The form's scripts, in the order they run. The shell's page runs SHELL_SCRIPTS before them.
SHELL_SCRIPTS = (
    "offline-shell",  # first: an offline form is filled in before the others look at it
    "offline-edit",  # a correction's part of the queue (the shell may hold a returned inspection)
)
FORM_SCRIPTS = (
    "inspect",
    "xpath-eval",  # the constraint language (app/formdefs/xpath.py), before the rules use it
    "form-rules",
    "form-check",
    "calculate",
    "offline-store",
    "offline-send",
    "offline-panel",
    "offline-queue",
)
YEAR = 365 * 24 * 3600
# The minified code, per process (not per app: every test's app would minify it again).
_CODE: dict[str, tuple] = {}
_DATA_KEY = "cunjian.form_data"


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:16]


def form_code() -> tuple[str, bytes]:
    """(digest, body) of the form's minified scripts; made again only when a script changes."""
    return _bundle(FORM_SCRIPTS)


def shell_code() -> tuple[str, bytes]:
    """(digest, body) of the offline shell's own script, minified likewise."""
    return _bundle(SHELL_SCRIPTS)


def _bundle(names: tuple[str, ...]) -> tuple[str, bytes]:
    folder = Path(current_app.static_folder) / "js"
    paths = [folder / f"{name}.js" for name in names]
    key = tuple((str(p), p.stat().st_mtime_ns) for p in paths)  # again only when a file changed
    cached = _CODE.get(names[0])
    if cached is None or cached[0] != key:
        # `;` between files: each is an IIFE, and the next one must not be read as a call.
        body = b"\n;".join(_minified_kept(p.read_text("utf-8")).encode("utf-8") for p in paths)
        cached = (key, _digest(body), body)
        _CODE[names[0]] = cached
    return cached[1], cached[2]


def _minified_kept(source: str) -> str:
    """`_minified`, kept on disk in the instance folder by the source's hash: the first form
    page a worker serves after a restart no longer waits 1.4–2.5 s for the parser (the other
    workers and the next restart read the file)."""
    folder = Path(current_app.instance_path) / "minified"
    kept = folder / f"{hashlib.sha256(source.encode('utf-8')).hexdigest()[:32]}.js"
    try:
        return kept.read_text("utf-8")
    except OSError:
        pass
    text = _minified(source)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = kept.with_suffix(f".{os.getpid()}.part")
        partial.write_text(text, "utf-8")
        os.replace(partial, kept)  # whole or absent: a worker never reads half a file
    except OSError:
        pass  # a read-only instance folder only costs the parse again
    return text


def _minified(source: str) -> str:
    """The script parsed (ES5) and printed again without comments or spaces, each function's own
    names shortened (never a global or a property name): 2.2 KB less compressed than rjsmin's
    (issue 21). About 1.4 s for the form's ten scripts, once per process (`_CODE`)."""
    # Imported here: its parser tables take 0.4 s to load, needed once per process.
    from calmjs.parse import es5
    from calmjs.parse.unparsers.es5 import minify_print

    return minify_print(es5(source), obfuscate=True, obfuscate_globals=False)


def form_data(lang: str) -> tuple[str, bytes]:
    """(digest, body) of the rules and calculations for `lang`. The coefficients in force are
    read on every call (one query, as when they rode in the page), so an edition set today
    renames the file at once; the rest is made once per language, day and coefficient set."""
    memo = g.setdefault("cunjian_form_data", {})  # a page names the file up to three times
    if lang not in memo:
        memo[lang] = _form_data(lang)
    return memo[lang]


def _form_data(lang: str) -> tuple[str, bytes]:
    today = county_today()
    calculations = phone_definitions(current_forms().form_set, today, lang)
    coefficients = json.dumps(calculations["coefficients"], sort_keys=True)
    # The forms' versions, not the object's id: a county's published version (issue 22) makes
    # new forms in every worker, and a freed object's id can be reused.
    versions = json.dumps(current_forms().form_set.versions, sort_keys=True)
    key = (lang, today, versions, coefficients)
    cache = current_app.extensions.setdefault(_DATA_KEY, {})
    if key not in cache:
        if len(cache) > 8:  # yesterday's are no longer asked for
            cache.clear()
        rules = dict(form_rules())
        rules.pop("today")  # the page's (see the module's docstring)
        text = json.dumps(
            {"rules": rules, "calculations": calculations},
            ensure_ascii=False,
            separators=(",", ":"),
            sort_keys=True,
        )
        body = f"self.CunjianFormData={text};\n".encode() + _form_body(lang)
        cache[key] = (_digest(body), body)
    return cache[key]


def _form_body(lang: str) -> bytes:
    """The form's sections with no village (the page of a new inspection names this file where
    they go, with its own figures): self.CunjianFormBody and static/js/form-body.js, which puts
    it in place. In the same file as the rules, whose labels it repeats: they compress together."""
    html = render_template(
        "inspect/_form_body.html",
        lang=lang,
        form_set=current_forms().form_set,
        values={},
        errors={},
        village=None,
        shell=False,
        editing=None,
        today="",
        gps_limit_km=float(current_app.config["GPS_FLAG_DISTANCE_M"]) / 1000,
    )
    html = "\n".join(line.strip() for line in html.splitlines() if line.strip())
    script = Path(current_app.static_folder) / "js" / "form-body.js"
    fill = rjsmin.jsmin(script.read_text("utf-8"))
    return f"self.CunjianFormBody={json.dumps(html, ensure_ascii=False)};\n{fill}\n".encode()


@bp.app_template_global()
def form_code_url() -> str:
    return url_for("inspect.code_file", digest=form_code()[0])


@bp.app_template_global()
def shell_code_url() -> str:
    return url_for("inspect.shell_code_file", digest=shell_code()[0])


@bp.app_template_global()
def form_data_url() -> str:
    lang = current_lang()
    return url_for("inspect.data_file", lang=lang, digest=form_data(lang)[0])


def _script(body: bytes, digest: str, asked: str, who: str = "public"):
    response = current_app.response_class(body, mimetype="text/javascript")
    if digest == asked:
        response.headers["Cache-Control"] = f"{who}, max-age={YEAR}, immutable"
    else:  # an older version was asked for (a page from before a change): today's, not kept
        response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/code/<digest>.js")
@allow("public")  # the static scripts, minified: public like /static
def code_file(digest: str):
    current, body = form_code()
    return _script(body, current, digest)


@bp.get("/code/shell/<digest>.js")
@allow("public")  # a static script, minified: public like /static
def shell_code_file(digest: str):
    current, body = shell_code()
    return _script(body, current, digest)


@bp.get("/form-data/<lang>/<digest>.js")
@allow("inspection.create")
def data_file(lang: str, digest: str):
    # For the people who fill in the form, as the form page itself (the coefficients in force
    # are not shown to anyone signed out); kept by the browser, not by shared caches.
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    with force_locale(lang):
        current, body = form_data(lang)
    return _script(body, current, digest, who="private")
