"""County settings that an admin changes at run time (not deployment config): one row per key,
its value as JSON. Read through app/settings.py, which knows each key's default."""

from app.extensions import db


class Setting(db.Model):
    __tablename__ = "settings"

    key = db.Column(db.String(64), primary_key=True)
    value = db.Column(db.JSON, nullable=False)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    updated_at = db.Column(db.DateTime(timezone=True), nullable=False)
