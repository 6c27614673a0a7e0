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
    created_at: Mapped[datetime] = mapped_column(
        db.DateTime(timezone=True), nullable=False, server_default=db.func.current_timestamp()
    )

    township: Mapped["Township | None"] = db.relationship()
    county: Mapped["County | None"] = db.relationship()

    @property
    def is_active(self):
        return self.active

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
