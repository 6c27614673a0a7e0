"""Validation messages in the user's language. Keys are the marshmallow error kinds we use."""

MESSAGES = {
    "required": {"zh": "“{label}”为必填项", "en": "{label} is required"},
    "null": {"zh": "“{label}”不能为空", "en": "{label} cannot be empty"},
    "required_or_counts": {
        "zh": "“{label}”为必填项：请填写实测值，或填写用于估算的数量",
        "en": "{label} is required: enter a measured figure, or the counts to estimate it from",
    },
    "integer": {"zh": "“{label}”须为整数", "en": "{label} must be a whole number"},
    "number": {"zh": "“{label}”须为数字", "en": "{label} must be a number"},
    "special": {"zh": "“{label}”须为有限的数字", "en": "{label} must be a finite number"},
    "boolean": {"zh": "“{label}”须为“是”或“否”", "en": "{label} must be yes or no"},
    "text": {"zh": "“{label}”须为文字", "en": "{label} must be text"},
    "range": {
        "zh": "“{label}”须在 {{min}} 到 {{max}} 之间",
        "en": "{label} must be between {{min}} and {{max}}",
    },
    "choice": {"zh": "“{label}”的选项无效", "en": "{label}: not one of the choices"},
    "length": {
        "zh": "“{label}”最多 {{max}} 个字",
        "en": "{label} can have at most {{max}} characters",
    },
    "uuid": {"zh": "“{label}”须为 UUID", "en": "{label} must be a UUID"},
    "date": {"zh": "“{label}”须为日期（年-月-日）", "en": "{label} must be a date (YYYY-MM-DD)"},
    "datetime": {
        "zh": "“{label}”须为带时区的时间（ISO 8601）",
        "en": "{label} must be a time with its offset (ISO 8601)",
    },
    "future": {
        "zh": "“{label}”不能晚于今天（{today}）",
        "en": "{label} cannot be after today ({today})",
    },
    "too_old": {"zh": "“{label}”不能早于 {earliest}", "en": "{label} cannot be before {earliest}"},
    "village_code": {
        "zh": "“{label}”须为 12 位区划代码",
        "en": "{label} must be a 12-digit division code",
    },
    "unknown": {"zh": "未知字段", "en": "Unknown field"},
    "object": {"zh": "须为 JSON 对象", "en": "Must be a JSON object"},
    "no_section": {"zh": "至少填写一个检查部分", "en": "Fill in at least one section"},
    "unstorable": {
        "zh": "含有无法保存的字符（如 NUL 或不成对的代理字符）",
        "en": "Contains a character that cannot be stored (NUL or an unpaired surrogate)",
    },
    "sum_typed": {"zh": "；您填写的合计为 {sum}", "en": "; the figures entered add up to {sum}"},
    "malformed": {"zh": "请求内容不是有效的 JSON", "en": "The request body is not valid JSON"},
}

# Labels of the fields that are not defined in forms/ (the envelope of an inspection).
ENVELOPE_LABELS = {
    "client_uuid": {"zh": "提交编号", "en": "Submission ID"},
    "village_code": {"zh": "村庄", "en": "Village"},
    "inspected_on": {"zh": "检查日期", "en": "Date inspected"},
    "location": {"zh": "位置", "en": "Location"},
    "lat": {"zh": "纬度", "en": "Latitude"},
    "lon": {"zh": "经度", "en": "Longitude"},
    "accuracy_m": {"zh": "定位精度", "en": "Accuracy"},
    "notes": {"zh": "备注", "en": "Notes"},
    "opened_at": {"zh": "表单打开时间", "en": "Form opened at"},
    "saved_at": {"zh": "表单保存时间", "en": "Form saved at"},
    "sections": {"zh": "检查部分", "en": "Sections"},
}


def message(kind: str, lang: str, **values) -> str:
    return MESSAGES[kind][lang].format(**values)
