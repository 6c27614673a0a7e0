"""County settings that an admin changes at run time (not deployment config): one row per key,
its value as JSON. Read through app/settings.py, which knows each key's default."""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Setting(db.Model):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(db.String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(db.JSON, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(db.Integer, db.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)
