"""The forms as XLSForm workbooks (issue 22): GET /api/v1/forms and the upload's answers."""

from marshmallow import Schema, fields

from app.views.schema_fields import UTCDateTime


class FormVersionSchema(Schema):
    version = fields.String()
    origin = fields.String()  # "file" (forms/*.json) or "county" (published from a workbook)
    published_at = UTCDateTime()  # SQLite hands back a naive UTC time


class FormSummarySchema(Schema):
    form_id = fields.String()
    version = fields.String()  # the current version: what the phones get
    title = fields.Dict(keys=fields.String(), values=fields.String())  # {"zh": …, "en": …}
    versions = fields.List(fields.Nested(FormVersionSchema))


class FormListSchema(Schema):
    forms = fields.List(fields.Nested(FormSummarySchema))


class WorkbookUploadSchema(Schema):
    """multipart/form-data: the workbook, and whether to publish it once it passes."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
    publish = fields.Boolean(load_default=False)


class ChangeSchema(Schema):
    zh = fields.String()
    en = fields.String()


class UploadAnswerSchema(Schema):
    form_id = fields.String()
    version = fields.String()  # 201: the new version
    unchanged = fields.Boolean()  # 200: identical to the current version, nothing published
    changes = fields.List(fields.Nested(ChangeSchema))  # 200 (publish=false) and 201


class WorkbookErrorSchema(Schema):
    sheet = fields.String()
    row = fields.Integer(allow_none=True)  # as the spreadsheet numbers it (header = 1)
    column = fields.String(allow_none=True)
    message = fields.String()  # in the caller's language
    message_zh = fields.String()
    message_en = fields.String()


class WorkbookErrorsSchema(Schema):
    errors = fields.List(fields.Nested(WorkbookErrorSchema))


form_list_schema = FormListSchema()
upload_answer_schema = UploadAnswerSchema()
workbook_errors_schema = WorkbookErrorsSchema()
upload_schema = WorkbookUploadSchema()
