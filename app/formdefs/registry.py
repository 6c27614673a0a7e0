"""The loaded forms and the schemas built from them, kept on the app.

Definitions are read once when the app starts; a county that changes a form restarts the app
(no release needed). `current_forms()` gives the views what they need without globals.
"""

from dataclasses import dataclass, field
from datetime import date

from flask import Flask, current_app

from app.formdefs import FormSet, load_forms
from app.formdefs.build import build_inspection_schemas
from app.formdefs.indicators import IndicatorSet, load_indicators

EXTENSION_KEY = "cunjian.forms"


@dataclass(frozen=True)
class Forms:
    form_set: FormSet
    indicators: IndicatorSet
    inspection_schemas: dict  # language → InspectionSchema class
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
    app.extensions[EXTENSION_KEY] = Forms(form_set, indicators, build_inspection_schemas(form_set))


def current_forms() -> Forms:
    return current_app.extensions[EXTENSION_KEY]
