"""The loaded forms and the schemas built from them, kept on the app.

The files in forms/ are read once when the app starts. A form version a county publishes from
a workbook (app/formdefs/county_forms.py) is in the database and wins over its file: before
each request the worker compares the county versions' generation (cached under the reference
token, app/reference.py, which publishing changes) with the one it built its
forms from, and rebuilds them (forms, indicators, schemas) when another worker or this one
published. `current_forms()` gives the views what they need without globals.
"""

import json
from dataclasses import dataclass, field
from datetime import date

from flask import Flask, current_app, request
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.formdefs import FormSet, load_forms
from app.formdefs.build import build_inspection_schemas
from app.formdefs.county_forms import definition_of, generation, latest_county_definitions
from app.formdefs.indicators import IndicatorSet, load_indicators
from app.formdefs.loader import form_from_data, form_set_of
from app.reference import cached

EXTENSION_KEY = "cunjian.forms"
FILES_KEY = "cunjian.forms.files"  # the forms read from FORMS_DIR at start
GENERATION_KEY = "county_forms.generation"  # app/reference.py's key for `generation`


@dataclass(frozen=True)
class Forms:
    form_set: FormSet
    indicators: IndicatorSet
    inspection_schemas: dict  # language → InspectionSchema class
    generation: tuple = (0, None)  # of the county versions these were built with
    _schema_instances: dict = field(default_factory=dict, compare=False, repr=False)

    def inspection_schema(self, lang: str, today: date):
        """The validating schema for `lang` and the county's `today`, made once a day.

        Making one per request (marshmallow copies every declared field) was a visible part of
        what a submission costs. A schema instance keeps no state between loads, so workers'
        threads may share it.
        """
        key = (lang, today)
        schema = self._schema_instances.get(key)
        if schema is None:
            if len(self._schema_instances) > 8:  # yesterday's are no longer asked for
                self._schema_instances.clear()
            schema = self._schema_instances[key] = self.inspection_schemas[lang](today=today)
        return schema


def init_app(app: Flask) -> None:
    form_set = load_forms(app.config["FORMS_DIR"])
    indicators = load_indicators(app.config["FORMS_DIR"], form_set)
    app.extensions[FILES_KEY] = form_set
    app.extensions[EXTENSION_KEY] = Forms(form_set, indicators, build_inspection_schemas(form_set))

    @app.before_request
    def county_versions():
        if request.endpoint != "static":
            refresh_county_forms()


def refresh_county_forms() -> "Forms":
    """The forms with each form's newest county version in place of its file, rebuilt only
    when the county versions changed since this worker last looked."""
    forms = current_forms()
    try:
        # Cached under the reference token (publishing bumps it): the request's token read,
        # which roll-ups share, instead of a statement of its own on every request.
        now = cached(GENERATION_KEY, lambda: generation(db.session))
    except SQLAlchemyError:  # no tables yet (before `flask db upgrade`): the files only
        db.session.rollback()
        return forms
    if now == forms.generation:
        return forms
    by_id = {f.form_id: f for f in current_app.extensions[FILES_KEY].forms}
    for form_id, definition in latest_county_definitions(db.session).items():
        where = f"{form_id} {definition['settings']['version']} (county)"
        by_id[form_id] = form_from_data(definition, where, form_id)
    form_set = form_set_of(list(by_id.values()))
    indicators = load_indicators(current_app.config["FORMS_DIR"], form_set)
    schemas = build_inspection_schemas(form_set)
    forms = Forms(form_set, indicators, schemas, generation=tuple(now))
    current_app.extensions[EXTENSION_KEY] = forms
    return forms


def definition_json(form_id: str) -> dict:
    """The current version's definition of a form (forms/*.json's shape)."""
    return json.loads(current_forms().form_set.by_id[form_id].definition)


def current_forms() -> Forms:
    return current_app.extensions[EXTENSION_KEY]


AS_ANSWERED_KEY = "cunjian.forms.as_answered"


def forms_as_answered(form_versions: dict | None) -> FormSet:
    """The forms an inspection was answered with: each at the version it recorded (read from
    published_forms), the current one where that version is unknown; so an old inspection
    shows the labels it was made under. Kept per set of versions (a handful in use)."""
    current = current_forms().form_set
    wanted = {f.form_id: (form_versions or {}).get(f.form_id, f.version) for f in current.forms}
    if all(current.by_id[k].version == v for k, v in wanted.items()):
        return current
    cache = current_app.extensions.setdefault(AS_ANSWERED_KEY, {})
    key = (id(current), frozenset(wanted.items()))
    if key not in cache:
        if len(cache) > 32:
            cache.clear()
        forms = []
        for form in current.forms:
            definition = None
            if wanted[form.form_id] != form.version:
                definition = definition_of(form.form_id, wanted[form.form_id])
            where = f"{form.form_id} {wanted[form.form_id]}"
            forms.append(form_from_data(definition, where) if definition else form)
        cache[key] = FormSet(tuple(sorted(forms, key=lambda f: (f.position, f.form_id))))
    return cache[key]
