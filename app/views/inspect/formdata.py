"""Between the flat HTML form (`sections.straw.produced_t=12`) and the nested payload the
inspection schema validates. Pure: no Flask."""

from app.formdefs import FormSet

# opened_at / saved_at: hidden inputs the phone's script fills when it saves (issue 24).
ENVELOPE_INPUTS = ("client_uuid", "village_code", "inspected_on", "notes", "opened_at", "saved_at")
LOCATION_INPUTS = ("lat", "lon", "accuracy_m")


def payload_from_form(form: dict[str, str], form_set: FormSet) -> dict:
    """Build the API-shaped payload. A section whose inputs are all blank was not inspected and
    is left out; blank envelope inputs are left out so the schema reports them as required."""
    payload = {k: form[k].strip() for k in ENVELOPE_INPUTS if form.get(k, "").strip()}
    for field in form_set.profile.fields:
        if form.get(field.key, "").strip():
            payload[field.key] = form[field.key].strip()
    location = {k: form[k] for k in LOCATION_INPUTS if form.get(k, "").strip()}
    if location:
        payload["location"] = location
    sections = {}
    for section in form_set.sections:
        values = {
            f.key: form.get(f"sections.{section.form_id}.{f.key}", "").strip()
            for f in section.fields
        }
        if any(values.values()):
            sections[section.form_id] = values
    payload["sections"] = sections
    return payload


def errors_by_input(flat_errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Schema error paths are the inputs' names, except location's (`location.lat` → `lat`)."""
    return {path.removeprefix("location."): messages for path, messages in flat_errors.items()}
