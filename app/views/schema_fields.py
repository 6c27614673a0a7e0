"""marshmallow fields shared by the schemas of more than one blueprint (the API's and the
problems pages'). It sits outside every blueprint package so that no blueprint imports another."""

from datetime import UTC

from marshmallow import fields


class UTCDateTime(fields.DateTime):
    """SQLite hands back naive datetimes for aware columns; every stored time is UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)
