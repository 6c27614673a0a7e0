"""The offline site forms' shells (issue 23), shared by the sites blueprint (which serves them)
and the inspect blueprint (whose offline data names them, so the service worker keeps them).

A shell is the site form of one kind with no site in it; offline, static/sw.js puts the site's
entry of the offline data into it and static/js/site-queue.js fills the form. Its version
changes with the kind's form version, the scripts and stylesheet it uses, the language and the
person, so a new one is fetched exactly when one of them changes.
"""

import hashlib

from flask import g, url_for

from app.i18n import current_lang
from app.sites.kinds import site_kinds

SHELL_SCRIPTS = ("offline-store", "offline-send", "site-queue")


def site_shell_version(kind_key: str) -> str:
    kind = site_kinds()[kind_key]
    parts = [kind.key, kind.form.version, url_for("static", filename="css/app.css")]
    parts += [url_for("static", filename=f"js/{name}.js") for name in SHELL_SCRIPTS]
    parts += [current_lang(), str(g.actor.id)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def site_shell_urls() -> dict[str, str]:
    """{kind: its shell's URL} for every kind of site."""
    return {
        key: url_for("sites.offline_site_shell", kind_key=key, version=site_shell_version(key))
        for key in site_kinds()
    }
