"""A submission checked against the form versions it was entered under (issue 22).

A phone keeps a saved inspection in its outbox while offline; if the county publishes a new
version of a form meanwhile, the entry was still answered against the old one. The page and
the outbox entry carry `form_versions` ({"film": "2026.3", ...}, the versions the page was
built from), and the server checks the answers against THOSE versions' rules and stores them
with those versions, so the inspection shows the labels it was answered with. Only versions
the county has published are accepted: an unknown (tampered, or another county's) version is
refused with its own error, never silently read as the current one. Without `form_versions`
(older phones, API clients) the current versions apply, as before.

Why not move the entry over to the new version on the phone: an entry in the outbox is already
finished and may be sent by the service worker with no page open to ask the inspector anything;
refusing it for a question that did not exist when it was answered would only stall it.
"""

import json

from flask import current_app
from marshmallow import ValidationError

from app.formdefs import FormSet
from app.formdefs.build import build_inspection_schemas
from app.formdefs.county_forms import definition_of
from app.formdefs.registry import current_forms, forms_as_answered

KEY = "form_versions"
SCHEMAS_KEY = "cunjian.forms.entered_under"  # app.extensions: schemas of earlier versions
UNKNOWN = {
    "zh": "表单 {form} 的版本 {version} 不是本县发布过的版本：请在当前表单中重新填写",
    "en": "form {form} has no published version {version}: fill in the current form again",
}
SHAPE = {
    "zh": '表单版本格式不对：应为 {{"表单": "版本"}}',
    "en": 'form_versions must be an object {{"form": "version"}}',
}


def versions_of(raw, lang: str) -> dict[str, str] | None:
    """The `form_versions` a page or an outbox entry sent: an object, or its JSON text (a form's
    hidden input); None when absent."""
    if raw in (None, ""):
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raw = None
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        raise _refused(SHAPE, {}, lang)
    return raw


def forms_entered_under(versions: dict[str, str] | None, lang: str) -> FormSet:
    """The form set to check a submission with: the current one, or the earlier published
    versions it names. Raises ValidationError (at `form_versions`) for a version never
    published or a form that is not one of the county's."""
    current = current_forms().form_set
    if not versions or all(
        current.by_id.get(k) is not None and current.by_id[k].version == v
        for k, v in versions.items()
    ):
        return current
    for form_id, version in sorted(versions.items()):
        form = current.by_id.get(form_id)
        if form is None or (version != form.version and definition_of(form_id, version) is None):
            raise _refused(UNKNOWN, {"form": form_id, "version": version}, lang)
    return forms_as_answered(versions)


def schema_for(form_set: FormSet, lang: str, today):
    """The validating schema of `form_set`: the current forms' shared one, or one built for the
    earlier versions and kept per version set and day (a handful in use while phones catch up)."""
    forms = current_forms()
    if form_set is forms.form_set:
        return forms.inspection_schema(lang, today)
    cache = current_app.extensions.setdefault(SCHEMAS_KEY, {})
    key = (id(forms.form_set), frozenset(form_set.versions.items()), lang, today)
    if key not in cache:
        if len(cache) > 16:
            cache.clear()
        cache[key] = build_inspection_schemas(form_set, (lang,))[lang](today=today)
    return cache[key]


def _refused(text: dict, values: dict, lang: str) -> ValidationError:
    return ValidationError({KEY: [text.get(lang, text["zh"]).format(**values)]})
