"""Language: Chinese by default, English on request.

Pages use the language the person chose with the switch (kept in a cookie); the API follows the
Accept-Language header so a phone's sync gets errors in its own language. Either falls back to
Chinese.
"""

from urllib.parse import urlencode

from flask import Flask, current_app, request
from flask_babel import get_locale

from app.extensions import babel

LANG_COOKIE = "lang"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(languages) or languages[0]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_lang() -> str:
    return str(get_locale() or "zh")


def switch_language_url(lang: str) -> str:
    """This page in another language, keeping its query (a sign-in page keeps its `next`)."""
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return f"{request.path}?{urlencode([*query, ('lang', lang)])}"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["current_lang"] = current_lang
    app.jinja_env.globals["switch_language_url"] = switch_language_url

    @app.after_request
    def remember_language(response):
        chosen = request.args.get("lang")
        if chosen in app.config["LANGUAGES"]:
            response.set_cookie(
                LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
            )
        return response
