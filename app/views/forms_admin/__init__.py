"""/admin/forms: a county admin lists the forms and their versions, downloads a version as an
XLSForm workbook, uploads an edited one, reads its errors (sheet, row, column) or its changes in
words beside a preview of the phone's form at 360 px, and publishes it as the next version.
The checks and the publishing are app/formdefs/county_forms.py's (through
app/views/forms_service.py, shared with the API and the CLI)."""

# Importing the route modules registers their routes on `bp`.
from app.views.forms_admin import routes  # noqa: F401
from app.views.forms_admin.blueprint import bp

__all__ = ["bp"]
