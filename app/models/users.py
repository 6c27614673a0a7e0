"""People and their API tokens. Passwords and tokens are stored hashed only. A township role
belongs to a township; a county admin or viewer to one county or, with none, the deployment."""

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db

if TYPE_CHECKING:
    from app.models.geography import County, Township

ROLES = ("inspector", "township_lead", "county_admin", "viewer")
TOWNSHIP_ROLES = ("inspector", "township_lead")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        db.CheckConstraint(f"role IN {ROLES!r}", name="role"),
        db.CheckConstraint(
            f"role NOT IN {TOWNSHIP_ROLES!r} OR township_id IS NOT NULL",
            name="township_role_has_township",
        ),
        # A township role's county is its township's; a second one could only contradict it.
        db.CheckConstraint(
            f"role NOT IN {TOWNSHIP_ROLES!r} OR county_id IS NULL",
            name="township_role_has_no_county",
        ),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    username: Mapped[str] = mapped_column(db.String(64), nullable=False, unique=True)
    display_name: Mapped[str | None] = mapped_column(db.String(64))
    password_hash: Mapped[str] = mapped_column(db.String(256), nullable=False)
    role: Mapped[str] = mapped_column(db.String(16), nullable=False)
    township_id: Mapped[int | None] = mapped_column(
        db.Integer, db.ForeignKey("townships.id"), index=True
    )
    # A county admin or viewer with a county is limited to it; without one, the whole
    # deployment (app/accounts/policy.py scope_of).
    county_id: Mapped[int | None] = mapped_column(
        db.Integer, db.ForeignKey("counties.id"), index=True
    )
    active: Mapped[bool] = mapped_column(db.Boolean, nullable=False, default=True)
    # Stored in the session cookie at sign-in (get_id) and compared on every request: raising
    # it ends every session of the person at once (sign-out, password change, deactivation,
    # role change; app/accounts/people.py end_sessions).
    session_version: Mapped[int] = mapped_column(
        db.Integer, nullable=False, default=1, server_default="1"
    )
    # Set when an admin resets the password: every page leads to the change-password page and
    # API tokens are refused until the person chooses their own (app/accounts/people.py).
    must_change_password: Mapped[bool] = mapped_column(
        db.Boolean, nullable=False, default=False, server_default=db.false()
    )
    last_login_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        db.DateTime(timezone=True), nullable=False, server_default=db.func.current_timestamp()
    )

    township: Mapped["Township | None"] = db.relationship()
    county: Mapped["County | None"] = db.relationship()

    @property
    def is_active(self):
        return self.active

    def get_id(self) -> str:
        # Flask-Login keeps this in the session; app/accounts/auth.py load_user refuses a stale
        # version.
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class ApiToken(db.Model):
    """A bearer token. Only its SHA-256 is kept, so a database leak yields no usable token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        db.Integer, db.ForeignKey("users.id"), nullable=False, index=True
    )
    token_hash: Mapped[str] = mapped_column(db.String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))

    user: Mapped["User"] = db.relationship()

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
