"""Whether the deployment holds no inspection at all, and the command that loads the demo data
(app/demo/cli.py): an empty dashboard tells a newcomer how to see it with figures, rather than
showing cards that all read "no data"."""

from sqlalchemy import select

from app.extensions import db
from app.models import Inspection

DEMO_COMMAND = ".venv/bin/flask --app wsgi demo-data"
CLEAR_COMMAND = DEMO_COMMAND + " --clear"


def nothing_recorded() -> bool:
    """True when not one inspection (demo or real, deleted or not) is stored."""
    return db.session.scalar(select(Inspection.id).limit(1)) is None
