"""Answers as a person reads them: choice labels instead of codes, 是/否 instead of true/false,
whole numbers without a trailing ".0", and the field's unit. Pure: no Flask."""

from app.formdefs import FieldDef

YES_NO = {"zh": ("是", "否"), "en": ("Yes", "No")}


def answer_text(field: FieldDef, value, lang: str) -> str:
    """The answer to `field` in `lang`, with its unit (`1200 吨`, `是`, `村级污水处理站`)."""
    if value is None:
        return "—"
    if field.type.name == "boolean":
        yes, no = YES_NO[lang]
        return yes if value else no
    if field.choices:
        label = next((c.label[lang] for c in field.choices if c.name == value), None)
        return label if label is not None else str(value)
    text = field_number(field, value)
    return f"{text} {field.unit[lang]}" if field.unit else text


def field_number(field: FieldDef, value) -> str:
    """A numeric answer at its field's precision (`decimals` in the form: an estimate's 3),
    without a trailing ".0"; anything else as text. Stored estimates are rounded already; this
    also rounds what was stored before they were (0.7649999999999999 → "0.765")."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if field.decimals is not None and isinstance(value, float):
        value = round(value, field.decimals)
    return number_text(value)


def number_text(value: int | float) -> str:
    """12 → "12", 12.0 → "12", 12.5 → "12.5", 0.1 + 0.2 → "0.3" (at most 6 decimals)."""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)
