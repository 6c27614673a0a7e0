"""HTTP hardening: security headers with a Content-Security-Policy, the session cookie's Secure
flag, and trusting a reverse proxy's X-Forwarded-* headers only when told to.

CSP: scripts, styles, fonts, connections and images from the app itself only (images also as
`data:` URLs, which Leaflet's icons use, `blob:` previews of photos, and the configured map tile
host). No inline script anywhere, with one exception a view must declare: `@inline_scripts`
(the folium map, which emits inline <script> blocks and style attributes) gets a fresh nonce per
response, `script-src 'self' 'nonce-…'`, and `style-src 'self' 'unsafe-inline'`; its template (or
the folium HTML, via `add_nonce`) puts `nonce="{{ csp_nonce() }}"` on each inline script.
"""

import re
import secrets
from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix


def inline_scripts(view):
    """Declare that a page runs inline scripts (with this response's nonce)."""
    view.csp_inline_scripts = True
    return view


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


_SCRIPT_TAG = re.compile(r"<script(?![^>]*\bnonce=)", re.IGNORECASE)


def add_nonce(html: str) -> str:
    """Give every <script> in generated HTML (folium's) this response's nonce."""
    return _SCRIPT_TAG.sub(f'<script nonce="{csp_nonce()}"', html)


def content_security_policy(tile_url: str, nonce: str | None) -> str:
    # blob: lets the phone preview a photo it has just taken (URL.createObjectURL) before upload.
    images = ["'self'", "data:", "blob:"]
    host = _tile_origin(tile_url)
    if host:
        images.append(host)
    scripts = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    styles = "'self'" + (" 'unsafe-inline'" if nonce else "")
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            f"style-src {styles}",
            f"img-src {' '.join(images)}",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


@lru_cache(maxsize=4)
def policy_without_nonce(tile_url: str) -> str:
    """The policy of every response without inline scripts: the same each time, so made once."""
    return content_security_policy(tile_url, None)


def _tile_origin(tile_url: str) -> str | None:
    """https://t{s}.tianditu.gov.cn/… → https://*.tianditu.gov.cn (subdomain placeholders)."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url.replace("{s}", "a"))
    if not parts.scheme or not parts.hostname:
        return None
    host = parts.hostname
    if "{" in tile_url.split("//", 1)[-1].split("/", 1)[0]:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


def refuse_nul_characters():
    """A NUL in a query or form value is no text a person typed, and PostgreSQL refuses it in
    text columns and parameters (a 500 otherwise): answer 400 before any view runs."""
    for values in (request.args, request.form if request.mimetype in FORM_TYPES else {}):
        for value in values.values() if values else ():
            if "\x00" in value:
                abort(400)


FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})

# Browser features no page of the app uses; the phone's camera is reached through a file input
# (the system camera app), and the GPS fix through geolocation on the app's own pages.
PERMISSIONS_POLICY = (
    "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)


def with_allow(response, error):
    """A 405 says which methods the URL does take (RFC 9110 §15.5.6), whatever the handler that
    rendered the error page or JSON."""
    methods = getattr(error, "valid_methods", None)
    if getattr(error, "code", None) == 405 and methods:
        response.headers["Allow"] = ", ".join(sorted(methods))
    return response


class SessionInterface(SecureCookieSessionInterface):
    """The cookie is Secure when configured so or when the request itself came over HTTPS."""

    def get_cookie_secure(self, app):
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def open_session(self, app, request):
        # No cookie (an API client with a bearer token): an empty session, as Flask would give,
        # without building the signing serializer first on every request.
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.before_request(refuse_nul_characters)
    if app.config.get("PROXY_COUNT"):
        hops = int(app.config["PROXY_COUNT"])
        # Not X-Forwarded-Host: nginx passes Host itself, so that header is the client's own.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def security_headers(response):
        view = current_app.view_functions.get(request.endpoint or "")
        tile_url = current_app.config.get("MAP_TILE_URL", "")
        if getattr(view, "csp_inline_scripts", False):
            policy = content_security_policy(tile_url, csp_nonce())
        else:
            policy = policy_without_nonce(tile_url)
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
        if g.get("actor") is not None and request.endpoint != "static":
            # A signed-in person's pages and data stay out of shared and browser HTTP caches
            # (a service worker's Cache API is not affected).
            response.headers.setdefault("Cache-Control", "no-store")
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response
