"""Users for tests. One factory behind every fixture and helper that makes a user.

Passwords are hashed with a cheap pbkdf2 setting: the app's own hashing (werkzeug's scrypt
default, through `User.set_password`) costs about half a second a user on this machine and is
tested where it matters (sign-in, password rules). Without a password the hash is unusable, for
users that only ever act through tokens.
"""

import uuid

from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Township, User

CHEAP_HASH = "pbkdf2:sha256:1000"


def add_user(
    app,
    role: str,
    township: str | None = None,
    username: str | None = None,
    password: str | None = None,
) -> int:
    with app.app_context():
        township_row = None
        if township:
            township_row = db.session.execute(
                db.select(Township).where(Township.code == township)
            ).scalar_one()
        user = User(
            username=username or f"{role}-{uuid.uuid4().hex[:8]}",
            role=role,
            township=township_row,
            password_hash=(
                generate_password_hash(password, method=CHEAP_HASH) if password else "!unusable"
            ),
        )
        db.session.add(user)
        db.session.commit()
        return user.id
