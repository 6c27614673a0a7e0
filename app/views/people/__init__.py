"""/admin/people: a county admin (or an admin without a county) runs the accounts of their
county on the web: the list with last sign-in, adding an inspector or a lead, changing a role or
township, deactivating, resetting a password. The rules and the audit are
app/accounts/people.py's; these views only read forms and show answers."""

# Importing the route modules registers their routes on `bp`.
from app.views.people import routes  # noqa: F401
from app.views.people.blueprint import bp

__all__ = ["bp"]
