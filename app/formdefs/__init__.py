"""Inspection forms as data.

`forms/*.json` hold the definitions in XLSForm's shape (settings / survey / choices). This package
reads and checks them (loader), maps each field type to a marshmallow field and an HTML input
through a read-only registry (types), and builds the one schema that validates both the JSON API
and the HTML form (build). A form's definition is immutable once published: every inspection
records the version of each section it answered, and the loader hashes each file so a changed
file under an unchanged version is caught.
"""

from app.formdefs.loader import FieldDef, FormDef, FormSet, load_forms

__all__ = ["FieldDef", "FormDef", "FormSet", "load_forms"]
