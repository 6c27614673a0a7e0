"""Behind the one trusted proxy (PROXY_COUNT=1) the app takes the client's address and scheme
from it, but never the host: nginx passes `Host` itself and does not set X-Forwarded-Host, so
that header would be the client's own, and reached the bulletin PDF's links (issue 25, 12)."""

from werkzeug.test import EnvironBuilder

from tests.accounts.test_login_guard import behind_proxy  # noqa: F401 (fixture)


def test_a_client_forwarded_host_is_not_taken(behind_proxy):  # noqa: F811
    seen = {}

    def inner(environ, start_response):
        seen.update(environ)
        start_response("204 No Content", [])
        return [b""]

    behind_proxy.wsgi_app.app = inner  # the app behind ProxyFix: see what it is given
    environ = EnvironBuilder(
        path="/healthz",
        base_url="http://cunjian.internal/",
        headers={
            "X-Forwarded-Host": "evil.example",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.9",
        },
    ).get_environ()
    list(behind_proxy.wsgi_app(environ, lambda *a: None))
    assert (seen["HTTP_HOST"], seen["wsgi.url_scheme"], seen["REMOTE_ADDR"]) == (
        "cunjian.internal",
        "https",
        "203.0.113.9",
    )
