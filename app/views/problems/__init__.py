"""The rectification ledger's pages (整改台账): the ledger with its exports, recording a problem
(kept offline on the phone), one problem with its trail, and the 待办 page per role. The rules
are app/problems/'s; these views read forms and show answers."""

# Importing the route modules registers their routes on `bp`.
from app.views.problems import routes  # noqa: F401
from app.views.problems.blueprint import bp

__all__ = ["bp"]
