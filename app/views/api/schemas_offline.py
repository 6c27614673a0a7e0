"""marshmallow schemas for the offline queue's calls: photo uploads, the session probe, flags."""

from marshmallow import RAISE, Schema, fields, validate

from app.views.schema_fields import UTCDateTime


class PhotoUploadSchema(Schema):
    """The form fields beside the file of a multipart photo upload."""

    class Meta:
        unknown = RAISE

    client_photo_id = fields.UUID(required=True)
    section = fields.String(required=True, validate=validate.Length(min=1, max=32))


class PhotoSchema(Schema):
    id = fields.Integer()
    client_photo_id = fields.String()
    section = fields.String()
    content_type = fields.String()
    byte_size = fields.Integer()
    width = fields.Integer()
    height = fields.Integer()
    taken_at = fields.String(allow_none=True)
    url = fields.String()
    created_at = UTCDateTime()


class SessionSchema(Schema):
    """What the phone needs before it sends its queue: who is signed in, a fresh CSRF token."""

    username = fields.String()
    role = fields.String()
    csrf_token = fields.String()


class FlagSchema(Schema):
    kind = fields.String()
    distance_m = fields.Float(allow_none=True)
    limit_m = fields.Float(allow_none=True)
    inspection_id = fields.Integer()
    client_uuid = fields.String()
    village_code = fields.String()
    village_name = fields.String()
    inspected_on = fields.Date()
    lat = fields.Float()
    lon = fields.Float()
    accuracy_m = fields.Float(allow_none=True)
    created_at = UTCDateTime()


photo_upload_schema = PhotoUploadSchema()
photo_schema = PhotoSchema()
photos_schema = PhotoSchema(many=True)
session_schema = SessionSchema()
flags_schema = FlagSchema(many=True)
