"""The form's rules for the page: `form_rules()` in a template gives the rules document of
app/formdefs/rules.py for the page's language and the county's today, which the page embeds as
JSON for static/js/form-rules.js (and the queue's labels). Made once per language and day."""

import json

from flask import current_app
from markupsafe import Markup

from app.clock import county_today
from app.formdefs.registry import current_forms
from app.formdefs.rules import rules_document
from app.i18n import current_lang
from app.views.inspect.blueprint import bp

_CACHE_KEY = "cunjian.form_rules"


@bp.app_template_global()
def form_rules() -> dict:
    lang, today = current_lang(), county_today()
    cache = current_app.extensions.setdefault(_CACHE_KEY, {})
    key = (lang, today, id(current_forms()))
    if key not in cache:
        if len(cache) > 8:  # yesterday's are no longer asked for
            cache.clear()
        forms = current_forms()
        cache[key] = rules_document(
            forms.form_set,
            forms.inspection_schema(lang, today),
            lang,
            today,
            current_app.config["COUNTY_TIMEZONE"],
        )
    return cache[key]


@bp.app_template_global()
def form_rules_json() -> Markup:
    """The document as compact JSON for a <script type="application/json"> block: UTF-8 rather
    than \\u escapes (half the bytes of the Chinese), with <, >, & and ' escaped so no text can
    close the block."""
    text = json.dumps(form_rules(), ensure_ascii=False, separators=(",", ":"))
    for char in "<>&'":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return Markup(text)
