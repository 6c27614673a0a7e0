"""/admin/people: a county admin (or an admin without a county) runs the accounts of their
county on the web: the list with last sign-in, adding an inspector or a lead, changing a role or
township, deactivating, resetting a password. The rules and the audit are app/people.py's; these
views only read forms and show answers."""

from flask import Blueprint

bp = Blueprint("people", __name__)

from app.people_web import routes  # noqa: E402,F401
