"""The audit trail and the login-failure counter.

`audit_events` is append-only: the app inserts rows (app/accounts/audit.py `record`) and no route
updates or deletes one; a flush that tries to is refused (app/accounts/audit.py), and the migrations
add triggers that refuse UPDATE and DELETE outright (PostgreSQL and SQLite) and TRUNCATE
(PostgreSQL).

`login_failures` lives in the database, not in a worker's memory, so the throttle counts the
failures of every gunicorn worker together.
"""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        db.Index("ix_audit_events_at", "at"),
        db.Index("ix_audit_events_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(db.Integer, db.ForeignKey("users.id"), index=True)
    # The name as it was then (a failed login has no user; a user may be renamed later).
    actor_name: Mapped[str | None] = mapped_column(db.String(64))
    action: Mapped[str] = mapped_column(db.String(64), nullable=False, index=True)
    object_type: Mapped[str | None] = mapped_column(db.String(32))
    object_id: Mapped[str | None] = mapped_column(db.String(64))
    ip: Mapped[str | None] = mapped_column(db.String(64))
    details: Mapped[dict[str, Any]] = mapped_column(db.JSON, nullable=False, default=dict)


class LoginFailure(db.Model):
    __tablename__ = "login_failures"
    __table_args__ = (
        db.Index("ix_login_failures_username_at", "username", "at"),
        db.Index("ix_login_failures_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)
    username: Mapped[str] = mapped_column(db.String(64), nullable=False)  # lower-cased as typed
    ip: Mapped[str] = mapped_column(db.String(64), nullable=False)


class LoginRefusal(db.Model):
    """How many sign-ins the throttle refused per account, address and minute
    (app/accounts/throttle_audit.py): the audit log gets one event per minute and key, not one per
    refusal."""

    __tablename__ = "login_refusals"
    __table_args__ = (
        db.UniqueConstraint("username", "ip", "window_start", name="uq_login_refusals_key"),
    )

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    window_start: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)
    username: Mapped[str] = mapped_column(db.String(64), nullable=False)
    ip: Mapped[str] = mapped_column(db.String(64), nullable=False)
    refused: Mapped[int] = mapped_column(db.Integer, nullable=False)
